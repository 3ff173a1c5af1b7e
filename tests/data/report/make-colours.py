#!/usr/bin/python3
# Reference cell colours of the HTML report, computed once with the Wilson
# interval of statsmodels 0.13.5 (not with medscreen's code), by the rule of
# medscreen(1): the heat of the flag rate p = k/n, (255, 255 - 190 sqrt(p),
# 255 - 200 sqrt(p)), mixed with the grey (188, 188, 194) in proportion to
# the width w of the 95% Wilson interval; white text when the luminance is
# below 150.
#   /usr/bin/python3 tests/data/report/make-colours.py > tests/data/report/colours.txt
import math
from statsmodels.stats.proportion import proportion_confint

for n in range(1, 61):
    for k in range(n + 1):
        x = math.sqrt(k / n)
        lo, hi = proportion_confint(k, n, alpha=0.05, method="wilson")
        w = hi - lo
        c = [(1 - w) * h + w * g for h, g in zip((255, 255 - 190 * x, 255 - 200 * x), (188, 188, 194))]
        dark = 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2] < 150
        print(k, n, "#%02x%02x%02x" % tuple(int(v + 0.5) for v in c) + (";color:#fff" if dark else ""))
