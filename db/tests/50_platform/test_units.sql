-- Units of measure: conversion through the dimension's base unit, offsets
-- included; unknown and incompatible units refused; the reference is global
-- and only platform operators change it.
BEGIN;
SELECT plan(11);

SELECT tests.remember('a', tests.create_workflow_tenant());
SELECT tests.act_as_role(tests.recall('a'), 'lab_tech');

SELECT is(app.convert_unit(25.4, 'mm', 'in')::text, '1', 'millimetres to inches, without trailing zeros');
SELECT is(round(app.convert_unit(2, 'lb', 'g'), 6), 907.184740, 'pounds to grams');
SELECT is(app.convert_unit(100, 'degC', 'degF')::text, '212', 'Celsius to Fahrenheit needs the offset (and rounding: 5/9 is not exact)');
SELECT is(app.convert_unit(-40, 'degF', 'degC')::text, '-40', 'and back');
SELECT is(app.convert_unit(0, 'degC', 'K'), 273.15, 'Celsius to kelvin');
SELECT is(app.convert_unit(7, 'kg', 'kg'), 7::numeric, 'a unit to itself');
SELECT is(tests.refusal($$SELECT app.convert_unit(1, 'mm', 'kg')$$), 'PT422 unit.incompatible', 'units of different dimensions do not convert');
SELECT is(tests.refusal($$SELECT app.convert_unit(1, 'furlong', 'm')$$), 'PT422 unit.unknown', 'an unknown unit is refused');
SELECT is(tests.refusal($$SELECT app.convert_unit(1, 'm', 'MM')$$), 'PT422 unit.unknown', 'codes are case-sensitive');
SELECT is(tests.refusal($$INSERT INTO app.units (code, dimension, name, symbol, factor) VALUES ('yd', 'length', 'yard', 'yd', 0.9144)$$),
  '42501', 'a tenant member cannot add units');
SELECT tests.act_as_owner();
SELECT is(tests.refusal($$INSERT INTO app.units (code, dimension, name, symbol, factor) VALUES ('metre', 'length', 'metre again', 'm', 1)$$),
  '23505 Key (dimension)=(length) already exists.', 'a dimension has one base unit');

SELECT * FROM finish();
ROLLBACK;
