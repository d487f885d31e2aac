#include "browser_verdict.h"

#include "cors/cors_error.h"
#include "exchange_evaluator.h"

namespace corslab::session {

namespace browser_verdict {

quint8 code(const std::optional<BrowserReport> &report)
{
    if (!report)
        return kNone;
    if (report->corsError.isEmpty())
        return kNoCorsError;
    const cors::CorsError error = cors::corsErrorFromName(report->corsError);
    if (error == cors::CorsError::None)
        return kOtherError;
    return quint8(kFirstError + quint8(error));
}

} // namespace browser_verdict

BrowserAgreement browserAgreement(const VerdictSummary &engine, quint8 browserCode)
{
    using namespace browser_verdict;
    if (browserCode == kNone)
        return BrowserAgreement::NoBrowserVerdict;
    if (engine.state == VerdictState::Unknown)
        return BrowserAgreement::EngineUndecided;
    const bool engineBlocked = engine.state == VerdictState::Blocked;
    if (browserCode == kNoCorsError)
        return engineBlocked ? BrowserAgreement::Disagrees : BrowserAgreement::Agrees;
    if (browserCode == kOtherError)
        return BrowserAgreement::Disagrees;
    const quint8 browserError = quint8(browserCode - kFirstError);
    const bool sameError = engine.error == browserError;
    if (engineBlocked)
        return sameError ? BrowserAgreement::Agrees : BrowserAgreement::Disagrees;
    const bool blockedWithCredentials = engine.state == VerdictState::Warning &&
                                        (engine.assumptions & Assumption::ErrorWithCredentials);
    return blockedWithCredentials && sameError ? BrowserAgreement::Agrees
                                               : BrowserAgreement::Disagrees;
}

QString browserAgreementName(BrowserAgreement agreement)
{
    switch (agreement) {
    case BrowserAgreement::NoBrowserVerdict:
        return QStringLiteral("no-browser-verdict");
    case BrowserAgreement::Agrees:
        return QStringLiteral("agrees");
    case BrowserAgreement::Disagrees:
        return QStringLiteral("disagrees");
    case BrowserAgreement::EngineUndecided:
        return QStringLiteral("engine-undecided");
    }
    return {};
}

} // namespace corslab::session
