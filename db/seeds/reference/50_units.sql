-- The starting set of units of measure (app.units, migration platform/units).
-- Applied by every `pulse db migrate` and `pulse seed`; idempotent, and it
-- never overwrites a unit a platform operator changed (ON CONFLICT DO
-- NOTHING). Each dimension has one base unit (factor 1, offset 0); a unit
-- converts to it as value * factor + base_offset.

INSERT INTO app.units (code, dimension, name, symbol, factor, base_offset, labels) VALUES
  -- length (base m)
  ('m', 'length', 'metre', 'm', 1, 0, '{"de": "Meter"}'),
  ('km', 'length', 'kilometre', 'km', 1000, 0, '{"de": "Kilometer"}'),
  ('cm', 'length', 'centimetre', 'cm', 0.01, 0, '{"de": "Zentimeter"}'),
  ('mm', 'length', 'millimetre', 'mm', 0.001, 0, '{"de": "Millimeter"}'),
  ('um', 'length', 'micrometre', 'µm', 0.000001, 0, '{"de": "Mikrometer"}'),
  ('in', 'length', 'inch', 'in', 0.0254, 0, '{"de": "Zoll"}'),
  ('ft', 'length', 'foot', 'ft', 0.3048, 0, '{"de": "Fuß"}'),
  -- mass (base kg)
  ('kg', 'mass', 'kilogram', 'kg', 1, 0, '{"de": "Kilogramm"}'),
  ('g', 'mass', 'gram', 'g', 0.001, 0, '{"de": "Gramm"}'),
  ('mg', 'mass', 'milligram', 'mg', 0.000001, 0, '{"de": "Milligramm"}'),
  ('t', 'mass', 'tonne', 't', 1000, 0, '{"de": "Tonne"}'),
  ('lb', 'mass', 'pound', 'lb', 0.45359237, 0, '{"de": "Pfund"}'),
  -- temperature (base K): offsets
  ('K', 'temperature', 'kelvin', 'K', 1, 0, '{"de": "Kelvin"}'),
  ('degC', 'temperature', 'degree Celsius', '°C', 1, 273.15, '{"de": "Grad Celsius"}'),
  ('degF', 'temperature', 'degree Fahrenheit', '°F', 0.55555555555555555556, 255.37222222222222222222, '{"de": "Grad Fahrenheit"}'),
  -- volume (base m3)
  ('m3', 'volume', 'cubic metre', 'm³', 1, 0, '{"de": "Kubikmeter"}'),
  ('L', 'volume', 'litre', 'L', 0.001, 0, '{"de": "Liter"}'),
  ('mL', 'volume', 'millilitre', 'mL', 0.000001, 0, '{"de": "Milliliter"}'),
  -- area (base m2)
  ('m2', 'area', 'square metre', 'm²', 1, 0, '{"de": "Quadratmeter"}'),
  ('mm2', 'area', 'square millimetre', 'mm²', 0.000001, 0, '{"de": "Quadratmillimeter"}'),
  -- time (base s)
  ('s', 'time', 'second', 's', 1, 0, '{"de": "Sekunde"}'),
  ('min', 'time', 'minute', 'min', 60, 0, '{"de": "Minute"}'),
  ('h', 'time', 'hour', 'h', 3600, 0, '{"de": "Stunde"}'),
  ('d', 'time', 'day', 'd', 86400, 0, '{"de": "Tag"}'),
  -- pressure (base Pa)
  ('Pa', 'pressure', 'pascal', 'Pa', 1, 0, '{"de": "Pascal"}'),
  ('kPa', 'pressure', 'kilopascal', 'kPa', 1000, 0, '{"de": "Kilopascal"}'),
  ('bar', 'pressure', 'bar', 'bar', 100000, 0, '{"de": "Bar"}'),
  ('psi', 'pressure', 'pound per square inch', 'psi', 6894.757293168, 0, '{"de": "Pfund pro Quadratzoll"}'),
  -- force (base N), torque (base N.m), energy (base J), power (base W)
  ('N', 'force', 'newton', 'N', 1, 0, '{"de": "Newton"}'),
  ('kN', 'force', 'kilonewton', 'kN', 1000, 0, '{"de": "Kilonewton"}'),
  ('N.m', 'torque', 'newton metre', 'N·m', 1, 0, '{"de": "Newtonmeter"}'),
  ('J', 'energy', 'joule', 'J', 1, 0, '{"de": "Joule"}'),
  ('kWh', 'energy', 'kilowatt hour', 'kWh', 3600000, 0, '{"de": "Kilowattstunde"}'),
  ('W', 'power', 'watt', 'W', 1, 0, '{"de": "Watt"}'),
  ('kW', 'power', 'kilowatt', 'kW', 1000, 0, '{"de": "Kilowatt"}'),
  -- electric (bases V, A), frequency (base Hz), ratio (base 1)
  ('V', 'voltage', 'volt', 'V', 1, 0, '{"de": "Volt"}'),
  ('mV', 'voltage', 'millivolt', 'mV', 0.001, 0, '{"de": "Millivolt"}'),
  ('A', 'current', 'ampere', 'A', 1, 0, '{"de": "Ampere"}'),
  ('mA', 'current', 'milliampere', 'mA', 0.001, 0, '{"de": "Milliampere"}'),
  ('Hz', 'frequency', 'hertz', 'Hz', 1, 0, '{"de": "Hertz"}'),
  ('kHz', 'frequency', 'kilohertz', 'kHz', 1000, 0, '{"de": "Kilohertz"}'),
  ('1', 'ratio', 'one', '1', 1, 0, '{"de": "Eins"}'),
  ('%', 'ratio', 'percent', '%', 0.01, 0, '{"de": "Prozent"}'),
  ('ppm', 'ratio', 'parts per million', 'ppm', 0.000001, 0, '{"de": "Teile pro Million"}'),
  -- count (base pcs)
  ('pcs', 'count', 'piece', 'pcs', 1, 0, '{"de": "Stück"}'),
  -- the lab's: mass concentration (base g/L, equal to kg/m³), acidity, conductivity (base S/m), microbial count per volume (base CFU/mL)
  ('g/L', 'mass_concentration', 'gram per litre', 'g/L', 1, 0, '{"de": "Gramm pro Liter"}'),
  ('mg/L', 'mass_concentration', 'milligram per litre', 'mg/L', 0.001, 0, '{"de": "Milligramm pro Liter"}'),
  ('ug/L', 'mass_concentration', 'microgram per litre', 'µg/L', 0.000001, 0, '{"de": "Mikrogramm pro Liter"}'),
  ('pH', 'acidity', 'pH', 'pH', 1, 0, '{}'),
  ('S/m', 'conductivity', 'siemens per metre', 'S/m', 1, 0, '{"de": "Siemens pro Meter"}'),
  ('uS/cm', 'conductivity', 'microsiemens per centimetre', 'µS/cm', 0.0001, 0, '{"de": "Mikrosiemens pro Zentimeter"}'),
  ('CFU/mL', 'microbial_concentration', 'colony-forming units per millilitre', 'CFU/mL', 1, 0, '{"de": "KBE pro Milliliter"}'),
  ('CFU/100mL', 'microbial_concentration', 'colony-forming units per 100 millilitres', 'CFU/100 mL', 0.01, 0, '{"de": "KBE pro 100 Milliliter"}')
ON CONFLICT (code) DO NOTHING;
