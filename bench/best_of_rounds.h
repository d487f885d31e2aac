#pragma once
// The benchmarks' timing: the best of several rounds (docs/PERFORMANCE.md: the machine is shared
// and noisy, and the fastest round is the one least disturbed).
#include <QElapsedTimer>
#include <algorithm>

namespace corslab::bench {

/// Nanoseconds per call of \a body(i), for i from 0 to \a calls - 1: the best of \a rounds.
template<typename F> double bestNsPerCall(int calls, int rounds, F &&body)
{
    double best = 1e300;
    for (int round = 0; round < rounds; ++round) {
        QElapsedTimer timer;
        timer.start();
        for (int i = 0; i < calls; ++i)
            body(i);
        best = std::min(best, double(timer.nsecsElapsed()) / calls);
    }
    return best;
}

} // namespace corslab::bench
