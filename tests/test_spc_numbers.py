"""SPC and Gauge R&R in SQL (db/functions/80_quality/50_spc.sql, 52_gauge_rr.sql) against an independent
computation with numpy and the statistics module on the same data: seeded random subgroups, individuals and
attribute counts, the AIAG MSA 4th edition's Gauge R&R example and a seeded random study, the control-chart
constants against their definitions, and the Nelson rules on crafted series and a random one."""

import itertools
import math
import random
import statistics
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import Any

import numpy as np
import psycopg
import pytest

# The published constants the SQL uses for n = 2 and n = 5 (ASTM MNL 7 / AIAG SPC); the test checks below that
# the SQL table holds what d2, d3 and c4's definitions give.
N5 = {"a2": 0.577, "a3": 1.427, "b3": 0.0, "b4": 2.089, "c4": 0.9400, "d2": 2.326, "d3": 0.0, "d4": 2.114}
N2 = {"d2": 1.128, "d3": 0.0, "d4": 3.267, "e2": 2.660}

AIAG = {  # appraiser -> part -> trials (AIAG MSA 4th ed., ch. III B)
    "A": [[0.29, 0.41, 0.64], [-0.56, -0.68, -0.58], [1.34, 1.17, 1.27], [0.47, 0.50, 0.64], [-0.80, -0.92, -0.84],
          [0.02, -0.11, -0.21], [0.59, 0.75, 0.66], [-0.31, -0.20, -0.17], [2.26, 1.99, 2.01], [-1.36, -1.25, -1.31]],
    "B": [[0.08, 0.25, 0.07], [-0.47, -1.22, -0.68], [1.19, 0.94, 1.34], [0.01, 1.03, 0.20], [-0.56, -1.20, -1.28],
          [-0.20, 0.22, 0.06], [0.47, 0.55, 0.83], [-0.63, 0.08, -0.34], [1.80, 2.12, 2.19], [-1.68, -1.62, -1.50]],
    "C": [[0.04, -0.11, -0.15], [-1.38, -1.13, -0.96], [0.88, 1.09, 0.67], [0.14, 0.20, 0.11], [-1.46, -1.07, -1.45],
          [-0.29, -0.67, -0.49], [0.02, 0.01, 0.21], [-0.46, -0.56, -0.49], [1.77, 1.45, 1.87], [-1.49, -1.77, -2.16]],
}
Study = dict[str, list[list[float]]]
Query = Callable[..., list[tuple[Any, ...]]]

K1 = {2: 0.8862, 3: 0.5908}
K2 = {2: 0.7071, 3: 0.5231}
K3 = {2: 0.7071, 3: 0.5231, 4: 0.4467, 5: 0.4030, 6: 0.3742, 7: 0.3534, 8: 0.3375, 9: 0.3249, 10: 0.3146}


@pytest.fixture(scope="module")
def sql(pgtap_database: str) -> Iterator[Query]:
    with psycopg.connect(pgtap_database, autocommit=True) as conn:
        def run(query: str, *params: object) -> list[tuple[Any, ...]]:
            rows = conn.execute(query, params).fetchall()
            return [tuple(float(v) if isinstance(v, Decimal) else v for v in row) for row in rows]
        yield run


def close(a: Any, b: Any, rel: float = 1e-9, abs_: float = 1e-9) -> bool:
    return bool(a == pytest.approx(b, rel=rel, abs=abs_))


def rounded(values: Iterable[float]) -> list[float]:
    return [round(v, 3) for v in values]


def test_xbar_r_and_xbar_s_limits_match_numpy(sql: Query) -> None:
    rng = random.Random(16)
    values = rounded(rng.gauss(10, 0.2) for _ in range(125))
    groups = np.array(values).reshape(25, 5)
    means, ranges = groups.mean(axis=1), np.ptp(groups, axis=1)
    sds = np.array([statistics.stdev(g) for g in groups.tolist()])
    xbb, rbar, sbar = means.mean(), ranges.mean(), sds.mean()
    (row,) = sql("SELECT * FROM app_private.spc_xbar_r_limits(%s::numeric[], %s)", values, [5] * 25)
    assert row[:2] == (5, 25)
    expected = (xbb, xbb + N5["a2"] * rbar, xbb - N5["a2"] * rbar, rbar, N5["d4"] * rbar, 0.0, rbar / N5["d2"])
    assert all(close(a, b) for a, b in zip(row[2:], expected, strict=True)), (row, expected)
    (row,) = sql("SELECT * FROM app_private.spc_xbar_s_limits(%s::numeric[], %s)", values, [5] * 25)
    expected = (xbb, xbb + N5["a3"] * sbar, xbb - N5["a3"] * sbar, sbar, N5["b4"] * sbar, 0.0, sbar / N5["c4"])
    assert all(close(a, b) for a, b in zip(row[2:], expected, strict=True)), (row, expected)
    points = sql("SELECT mean, range, stddev FROM app_private.spc_subgroups(%s::numeric[], %s)", values, [5] * 25)
    assert all(close(p[0], m) and close(p[1], r) and close(p[2], s) for p, m, r, s in zip(points, means, ranges, sds, strict=True))
    (cap,) = sql("SELECT * FROM app_private.spc_capability_subgroups(%s::numeric[], %s, 9.4, 10.7)", values, [5] * 25)
    mean, sigma_w, sigma_o = statistics.fmean(values), rbar / N5["d2"], statistics.stdev(values)
    expected = (mean, sigma_w, sigma_o, 1.3 / (6 * sigma_w), min(10.7 - mean, mean - 9.4) / (3 * sigma_w),
                1.3 / (6 * sigma_o), min(10.7 - mean, mean - 9.4) / (3 * sigma_o))
    assert all(close(a, b) for a, b in zip(cap, expected, strict=True)), (cap, expected)


VARIABLE = {3: (1.954, 0.0, 2.568), 4: (1.628, 0.0, 2.266), 5: (1.427, 0.0, 2.089), 6: (1.287, 0.030, 1.970)}  # A3, B3, B4


def test_xbar_s_chart_with_sizes_that_differ_matches_numpy(sql: Query) -> None:
    rng = random.Random(1616)
    sizes = [rng.choice(list(VARIABLE)) for _ in range(30)]
    groups = [rounded(rng.gauss(4, 0.05) for _ in range(n)) for n in sizes]
    means = [statistics.fmean(g) for g in groups]
    sds = [statistics.stdev(g) for g in groups]
    xbb = float(np.average(means, weights=sizes))
    sbar = math.sqrt(sum((n - 1) * s ** 2 for n, s in zip(sizes, sds, strict=True)) / (sum(sizes) - len(sizes)))
    rows = sql("SELECT n, mean, stddev, xbar_cl, xbar_ucl, xbar_lcl, s_cl, s_ucl, s_lcl"
               " FROM app_private.spc_xbar_s_chart(%s::numeric[], %s)", [v for g in groups for v in g], sizes)
    for row, n, mean, sd in zip(rows, sizes, means, sds, strict=True):
        a3, b3, b4 = VARIABLE[n]
        expected = (n, mean, sd, xbb, xbb + a3 * sbar, xbb - a3 * sbar, sbar, b4 * sbar, b3 * sbar)
        assert all(close(a, b) for a, b in zip(row, expected, strict=True)), (row, expected)


def test_individuals_and_one_sided_capability_match_numpy(sql: Query) -> None:
    rng = random.Random(1601)
    values = rounded(rng.gauss(50, 1.5) for _ in range(40))
    mrbar = float(np.abs(np.diff(values)).mean())
    xbar = statistics.fmean(values)
    (row,) = sql("SELECT * FROM app_private.spc_imr_limits(%s::numeric[])", values)
    expected = (40, xbar, xbar + N2["e2"] * mrbar, xbar - N2["e2"] * mrbar, mrbar, N2["d4"] * mrbar, 0.0, mrbar / N2["d2"])
    assert all(close(a, b) for a, b in zip(row, expected, strict=True)), (row, expected)
    (cap,) = sql("SELECT cp, cpk, pp, ppk FROM app_private.spc_capability_individuals(%s::numeric[], NULL, 56)", values)
    assert cap[0] is None and cap[2] is None
    assert close(cap[1], (56 - xbar) / (3 * mrbar / N2["d2"]))
    assert close(cap[3], (56 - xbar) / (3 * statistics.stdev(values)))


def test_p_chart_limits_vary_with_each_sample_size(sql: Query) -> None:
    rng = random.Random(42)
    sizes = [rng.randint(80, 300) for _ in range(30)]
    defectives = [sum(rng.random() < 0.04 for _ in range(n)) for n in sizes]
    pbar = sum(defectives) / sum(sizes)
    rows = sql("SELECT n, p, p_cl, p_ucl, p_lcl FROM app_private.spc_p_chart(%s, %s)", defectives, sizes)
    for (n, p, cl, ucl, lcl), d, size in zip(rows, defectives, sizes, strict=True):
        half = 3 * math.sqrt(pbar * (1 - pbar) / size)
        assert n == size and close(p, d / size) and close(cl, pbar)
        assert close(ucl, min(1, pbar + half)) and close(lcl, max(0, pbar - half))
    assert len({round(r[3], 12) for r in rows}) > 1, "the limits differ with the sample sizes"


def test_constants_match_their_definitions(sql: Query) -> None:
    table = {r[0]: r for r in sql("SELECT n, c4, d2, d3 FROM app_private.spc_constants()")}
    x = np.linspace(-10, 10, 8001)
    cdf = 0.5 * (1 + np.array([math.erf(v / math.sqrt(2)) for v in x]))
    xs = np.linspace(-8, 8, 641)
    grid = 0.5 * (1 + np.array([math.erf(v / math.sqrt(2)) for v in xs]))
    low, high = np.meshgrid(grid, grid, indexing="ij")
    upper = np.triu(np.ones((len(xs), len(xs))), 1) + 0.5 * np.eye(len(xs))
    step = xs[1] - xs[0]
    for n, c4, d2, d3 in table.values():
        assert abs(c4 - math.sqrt(2 / (n - 1)) * math.gamma(n / 2) / math.gamma((n - 1) / 2)) < 0.00006, n
        exact_d2 = float(np.trapezoid(1 - (1 - cdf) ** n - cdf ** n, x))  # E[range] of n standard normals
        assert abs(d2 - exact_d2) < 0.0006, (n, d2, exact_d2)
        # E[range^2] = 2 ∫∫_{x<y} 1 - F(y)^n - (1 - F(x))^n + (F(y) - F(x))^n dx dy
        second = 2 * float(np.sum((1 - high ** n - (1 - low) ** n + np.clip(high - low, 0, None) ** n) * upper)) * step ** 2
        assert abs(d3 - math.sqrt(second - exact_d2 ** 2)) < 0.0015, (n, d3)


def study(data: Study) -> tuple[list[float], list[str], list[str]]:
    values: list[float] = []
    operators: list[str] = []
    parts: list[str] = []
    for operator, by_part in data.items():
        for part, trials in enumerate(by_part, 1):
            for value in trials:
                values.append(value)
                operators.append(operator)
                parts.append(str(part))
    return values, operators, parts


def f_upper_tail(f: float, df1: int, df2: int) -> float:
    """P(F > f) = I_x(df2/2, df1/2), x = df2/(df2 + df1 f), integrating the beta density with numpy."""
    a, b, x = df2 / 2, df1 / 2, df2 / (df2 + df1 * f)
    t = np.linspace(0, x, 200001)[1:]
    log_beta = math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)
    density = np.exp((a - 1) * np.log(t) + (b - 1) * np.log1p(-t) - log_beta)
    return float(np.trapezoid(density, t))


def numpy_grr(data: Study, pool_above: float = 0.25) -> dict[str, dict[str, Any]]:
    y = np.array(list(data.values()), dtype=float)  # operator, part, trial
    o, p, r = y.shape
    grand, op_means, part_means, cells = y.mean(), y.mean(axis=(1, 2)), y.mean(axis=(0, 2)), y.mean(axis=2)
    ev = float(np.ptp(y, axis=2).mean()) * K1[r]
    av = math.sqrt(max(0.0, (float(np.ptp(op_means)) * K2[o]) ** 2 - ev ** 2 / (p * r)))
    grr, pv = math.hypot(ev, av), float(np.ptp(part_means)) * K3[p]
    tv = math.hypot(grr, pv)
    average_range = {"ev": ev, "av": av, "grr": grr, "pv": pv, "tv": tv, "pct_grr": 100 * grr / tv,
                     "ndc": math.floor(1.41 * pv / grr)}
    ss_p = o * r * ((part_means - grand) ** 2).sum()
    ss_o = p * r * ((op_means - grand) ** 2).sum()
    ss_op = r * ((cells - op_means[:, None] - part_means[None, :] + grand) ** 2).sum()
    ss_e = ((y - cells[:, :, None]) ** 2).sum()
    df_op, df_e = (o - 1) * (p - 1), o * p * (r - 1)
    ms_p, ms_o, ms_op, ms_e = ss_p / (p - 1), ss_o / (o - 1), ss_op / df_op, ss_e / df_e
    p_int = f_upper_tail(ms_op / ms_e, df_op, df_e)
    pooled = p_int > pool_above
    within = (ss_op + ss_e) / (df_op + df_e) if pooled else ms_op
    var_e = within if pooled else ms_e
    var_int = 0.0 if pooled else max(0.0, (ms_op - ms_e) / r)
    var_o, var_p = max(0.0, (ms_o - within) / (p * r)), max(0.0, (ms_p - within) / (o * r))
    grr_a = math.sqrt(var_e + var_o + var_int)
    anova = {"ss_part": ss_p, "ss_operator": ss_o, "ss_interaction": ss_op, "ss_error": ss_e,
             "p_interaction": p_int, "interaction_pooled": pooled, "ev": math.sqrt(var_e), "av": math.sqrt(var_o),
             "interaction": math.sqrt(var_int), "grr": grr_a, "pv": math.sqrt(var_p),
             "pct_grr": 100 * grr_a / math.sqrt(grr_a ** 2 + var_p), "ndc": math.floor(1.41 * math.sqrt(var_p) / grr_a)}
    return {"average_range": average_range, "anova": anova}


def sql_grr(sql: Query, data: Study, pool_above: float = 0.25) -> dict[str, dict[str, Any]]:
    values, operators, parts = study(data)
    out: dict[str, dict[str, Any]] = {}
    for method, call in (("average_range", "app_private.gauge_rr_average_range(%s::numeric[], %s, %s)"),
                         ("anova", "app_private.gauge_rr_anova(%s::numeric[], %s, %s, NULL, %s)")):
        params: tuple[object, ...] = (values, operators, parts) + ((pool_above,) if method == "anova" else ())
        keys = list(numpy_grr(data, pool_above)[method])
        (row,) = sql(f"SELECT {', '.join(keys)} FROM {call}", *params)
        out[method] = dict(zip(keys, row, strict=True))
    return out


def assert_same(ours: dict[str, dict[str, Any]], theirs: dict[str, dict[str, Any]]) -> None:
    for method, figures in theirs.items():
        for key, value in figures.items():
            got = ours[method][key]
            if isinstance(value, (bool, np.bool_, int)):
                assert got == value, (method, key, got, value)
            else:
                assert close(got, float(value), rel=1e-6, abs_=1e-6 if key != "p_interaction" else 1e-5), (method, key, got, value)


def test_gauge_rr_on_the_aiag_example_matches_numpy_and_the_manual(sql: Query) -> None:
    ours = sql_grr(sql, AIAG)
    assert_same(ours, numpy_grr(AIAG))
    # The manual's published figures (it rounds R̄ and X̄diff before multiplying).
    assert close(ours["average_range"]["grr"], 0.30575, abs_=0.0001) and ours["average_range"]["ndc"] == 5
    assert close(ours["anova"]["grr"], 0.30237, abs_=0.00001) and ours["anova"]["ndc"] == 4
    assert ours["anova"]["interaction_pooled"]


@pytest.mark.parametrize("pool_above", [0.25, 1.0])
def test_gauge_rr_on_a_random_study_with_interaction_matches_numpy(sql: Query, pool_above: float) -> None:
    rng = random.Random(77)
    bias = {"A": 0.0, "B": 0.15, "C": -0.1}
    true = [rng.gauss(0, 1) for _ in range(10)]
    data = {op: [[round(true[i] + bias[op] + (0.3 if (op, i % 3) in {("A", 0), ("B", 1), ("C", 2)} else 0)
                       + rng.gauss(0, 0.08), 3) for _ in range(3)] for i in range(10)] for op in bias}
    expected = numpy_grr(data, pool_above)
    assert not expected["anova"]["interaction_pooled"], "the study is built with an interaction"
    assert_same(sql_grr(sql, data, pool_above), expected)


def nelson(points: list[float], center: float, sigma: float) -> list[list[int]]:
    """The eight Nelson rules, written apart from the SQL: the rules each point completes."""
    z = [(x - center) / sigma for x in points]
    step = [0] + [int(np.sign(b - a)) for a, b in itertools.pairwise(points)]
    flags: list[list[int]] = []
    for i in range(len(z)):
        def last(k: int, i: int = i) -> list[float] | None:
            return z[i - k + 1:i + 1] if i + 1 >= k else None
        rules: list[int] = []
        if abs(z[i]) > 3:
            rules.append(1)
        if (w := last(9)) and (all(v > 0 for v in w) or all(v < 0 for v in w)):
            rules.append(2)
        if i >= 5 and step[i] != 0 and all(s == step[i] for s in step[i - 4:i + 1]):
            rules.append(3)
        steps = step[i - 12:i + 1]
        if i >= 13 and all(s != 0 for s in steps) and all(a == -b for a, b in itertools.pairwise(steps)):
            rules.append(4)
        side = 1 if z[i] > 0 else -1
        if abs(z[i]) > 2 and sum(v * side > 2 for v in z[max(0, i - 2):i + 1]) >= 2:
            rules.append(5)
        if abs(z[i]) > 1 and sum(v * side > 1 for v in z[max(0, i - 4):i + 1]) >= 4:
            rules.append(6)
        if (w := last(15)) and all(abs(v) < 1 for v in w):
            rules.append(7)
        if (w := last(8)) and all(abs(v) > 1 for v in w) and max(w) > 1 and min(w) < -1:
            rules.append(8)
        flags.append(rules)
    return flags


CRAFTED = [  # (series with center 0 and sigma 1, {point: rules}) — each rule fires alone, where expected
    ([0, 0.5, -0.5, 3.5, 0], {4: [1]}),
    ([-0.5] + [0.5] * 9, {10: [2]}),
    ([-0.3, -0.2, -0.1, 0.1, 0.2, 0.3], {6: [3]}),
    ([0.5, -0.5] * 7, {14: [4]}),
    ([0, 2.5, 0, 2.5], {4: [5]}),
    ([0, 1.5, 1.5, 0, 1.5, 1.5], {6: [6]}),
    ([0.1, 0.2, -0.1, -0.2] * 3 + [0.1, 0.2, -0.1], {15: [7]}),
    ([1.5, -1.5] * 4, {8: [8]}),
    ([0.5, -0.3, 1.2, -0.8, 0.1, 0.4, -1.1, 0.2, 2.2, -2.2, 1.4, 0.9], {}),
]


@pytest.mark.parametrize(("series", "expected"), CRAFTED)
def test_each_nelson_rule_fires_exactly_where_expected(sql: Query, series: list[float], expected: dict[int, list[int]]) -> None:
    series = [float(v) for v in series]
    rows = sql("SELECT point, rules FROM app_private.spc_nelson_rules(%s::numeric[], 0, 1)", series)
    assert {point: rules for point, rules in rows if rules} == expected
    assert {i + 1: r for i, r in enumerate(nelson(series, 0, 1)) if r} == expected


def test_nelson_rules_agree_with_numpy_on_a_random_chart(sql: Query) -> None:
    rng = random.Random(5)
    series = rounded([rng.gauss(0, 1) + (1.2 if 60 <= i < 80 else 0) + (0.05 * (i - 120) if 120 <= i < 135 else 0)
                      for i in range(200)])
    rows = sql("SELECT rules FROM app_private.spc_nelson_rules(%s::numeric[], 0.05, 0.98)", series)
    theirs = nelson(series, 0.05, 0.98)
    assert [r[0] for r in rows] == theirs
    assert {rule for rules in theirs for rule in rules} >= {1, 2, 5, 6}, "the shifted stretch fires the shift rules"


def test_chart_limits_of_a_characteristic_match_numpy(pgtap_database: str) -> None:
    """A characteristic measured through the API (db/functions/80_quality/54_spc_charts.sql): the baseline frozen
    from 25 subgroups of 5, the chart's points, limits and Cp/Cpk/Pp/Ppk, and the signal of a shifted subgroup,
    against numpy on the same values."""
    rng = random.Random(1616)
    groups = np.array(rounded(rng.gauss(10, 0.02) for _ in range(125))).reshape(25, 5)
    shifted = [10.08, 10.09, 10.07, 10.08, 10.09]
    with psycopg.connect(pgtap_database) as conn:
        def one(query: str, *params: object) -> Any:
            row = conn.execute(query, params).fetchone()
            assert row is not None
            return row[0]
        tenant = one("SELECT tests.create_tenant()")
        site = one("SELECT tests.create_site(%s)", tenant)
        qa = one("SELECT tests.create_member(%s, 'qa')", tenant)
        characteristic = one("SELECT tests.create_characteristic(%s, %s, 'xbar_r', 5, %s)", tenant, site, qa)
        conn.execute("SELECT tests.act_as(%s, %s)", [qa, tenant])
        inspection = one("SELECT (app.open_inspection(tests.plan_of(%s), 'in_process')).id", characteristic)
        for group in groups:
            conn.execute("SELECT app.record_measurements(%s, %s, %s::numeric[])", [inspection, characteristic, group.tolist()])
        conn.execute("SELECT app.approve_spc_baseline(%s, 1, 25, 'Initial study')", [characteristic])
        conn.execute("SELECT app.record_measurements(%s, %s, %s::numeric[])", [inspection, characteristic, shifted])
        chart = one("SELECT app.spc_chart(%s, 25)", characteristic)
        signals = conn.execute("SELECT subgroup, rules FROM app.spc_signals").fetchall()
        conn.rollback()
    means, ranges = groups.mean(axis=1), np.ptp(groups, axis=1)
    center, rbar = means.mean(), ranges.mean()
    baseline = chart["baseline"]
    assert close(float(baseline["center"]), center)
    assert close(float(baseline["ucl"]), center + N5["a2"] * rbar)
    assert close(float(baseline["lcl"]), center - N5["a2"] * rbar)
    assert close(float(baseline["dispersion_ucl"]), N5["d4"] * rbar)
    points = chart["points"]
    assert [p["subgroup"] for p in points] == list(range(2, 27)), "the last 25 subgroups"
    assert [float(p["value"]) for p in points] == pytest.approx([*means[1:].tolist(), float(np.mean(shifted))], rel=1e-12)
    window = np.concatenate([groups[1:].ravel(), shifted])
    sigma_within, sigma_overall, mean = rbar / N5["d2"], float(np.std(window, ddof=1)), float(window.mean())
    capability = chart["capability"]
    assert close(float(capability["cp"]), 0.2 / (6 * sigma_within))
    assert close(float(capability["cpk"]), min(10.1 - mean, mean - 9.9) / (3 * sigma_within))
    assert close(float(capability["pp"]), 0.2 / (6 * sigma_overall), rel=1e-6)
    assert close(float(capability["ppk"]), min(10.1 - mean, mean - 9.9) / (3 * sigma_overall), rel=1e-6)
    z = (np.mean(shifted) - center) / (N5["a2"] * rbar / 3)
    assert z > 3 and signals == [(26, [1])], "the shifted subgroup is beyond 3 sigma of the frozen limits: one signal"
    assert points[-1]["rules"] == [1]
