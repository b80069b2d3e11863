"""Erlang C and square-root staffing: the closed forms of one pooled M/M/c queue."""

from __future__ import annotations

import math

from scipy import stats


def erlang_c(servers: int, offered: float) -> float:
    """Probability that an arrival waits, M/M/c with ``offered`` Erlangs (1 when unstable).

    Through the Erlang B recursion ``B(k) = a B(k-1) / (k + a B(k-1))``, which stays in
    [0, 1] for any number of servers: the textbook sum of ``a^k / k!`` overflows a float
    beyond about 700 Erlangs, the size of an enterprise desk's first line."""
    if offered <= 0:
        return 0.0
    if servers <= offered:
        return 1.0
    blocking = 1.0
    for k in range(1, servers + 1):
        blocking = offered * blocking / (k + offered * blocking)
    rho = offered / servers
    return blocking / (1 - rho * (1 - blocking))


def wait_attainment(servers: int, rate: float, mean_service: float, within: float) -> float:
    """P(wait <= within) in M/M/c: ``1 - C(c, a) * exp(-(c/s - rate) * within)``."""
    offered = rate * mean_service
    if offered <= 0:
        return 1.0
    if servers <= offered:
        return 0.0
    drain = servers / mean_service - rate
    return 1.0 - erlang_c(servers, offered) * math.exp(-drain * within)


def erlang_c_staff(rate: float, mean_service: float, within: float, share: float) -> int:
    """Fewest servers with P(wait <= within) >= share."""
    servers = max(1, math.floor(rate * mean_service) + 1)
    while wait_attainment(servers, rate, mean_service, within) < share:
        servers += 1
    return servers


def square_root_staff(offered: float, beta: float = 1.0) -> int:
    """Square-root staffing ``ceil(a + beta * sqrt(a))``, at least one person."""
    return max(1, math.ceil(offered + beta * math.sqrt(offered)))


def halfin_whitt_beta(delay_probability: float) -> float:
    """The beta whose Halfin-Whitt delay probability ``1 / (1 + b Phi(b) / phi(b))`` is given."""
    lo, hi = 0.0, 6.0
    for _ in range(60):
        mid = (lo + hi) / 2
        value = 1.0 / (1.0 + mid * stats.norm.cdf(mid) / stats.norm.pdf(mid))
        lo, hi = (mid, hi) if value > delay_probability else (lo, mid)
    return (lo + hi) / 2
