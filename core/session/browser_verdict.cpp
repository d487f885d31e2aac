#include "browser_verdict.h"

#include "cors/cors_error.h"
#include "exchange_evaluator.h"

namespace corslab::session {

namespace browser_verdict {

const QStringList &firefoxReasons()
{
    static const QStringList kReasons{
        QStringLiteral("NS_ERROR_DOM_BAD_URI"),
        QStringLiteral("CORSDisabled"),
        QStringLiteral("CORSDidNotSucceed"),
        QStringLiteral("CORSOriginHeaderNotAdded"),
        QStringLiteral("CORSExternalRedirectNotAllowed"),
        QStringLiteral("CORSRequestNotHttp"),
        QStringLiteral("CORSMissingAllowOrigin"),
        QStringLiteral("CORSMultipleAllowOriginNotAllowed"),
        QStringLiteral("CORSAllowOriginNotMatchingOrigin"),
        QStringLiteral("CORSNotSupportingCredentials"),
        QStringLiteral("CORSMethodNotFound"),
        QStringLiteral("CORSMissingAllowCredentials"),
        QStringLiteral("CORSPreflightDidNotSucceed"),
        QStringLiteral("CORSInvalidAllowMethod"),
        QStringLiteral("CORSInvalidAllowHeader"),
        QStringLiteral("CORSMissingAllowHeaderFromPreflight"),
    };
    return kReasons;
}

QString firefoxReasonFamily(const QString &key)
{
    qsizetype end = key.size();
    while (end > 0 && key.at(end - 1).isDigit())
        --end;
    return key.left(end);
}

quint8 code(const std::optional<BrowserReport> &report)
{
    if (!report)
        return kNone;
    if (report->corsError.isEmpty())
        return kNoCorsError;
    const cors::CorsError error = cors::corsErrorFromName(report->corsError);
    if (error != cors::CorsError::None)
        return quint8(kFirstError + quint8(error));
    const qsizetype reason = firefoxReasons().indexOf(firefoxReasonFamily(report->corsError));
    return reason < 0 ? kOtherError : quint8(kFirstFirefoxReason + reason);
}

QString errorName(quint8 code)
{
    if (code < kFirstError || code == kOtherError)
        return {};
    if (code < kFirstFirefoxReason)
        return cors::corsErrorName(cors::CorsError(code - kFirstError));
    return firefoxReasons().value(code - kFirstFirefoxReason);
}

} // namespace browser_verdict

namespace {
// Does the browser's error \a browserCode name the engine's \a engineError?
bool sameError(quint8 engineError, quint8 browserCode)
{
    using namespace browser_verdict;
    if (browserCode < kFirstFirefoxReason)
        return engineError == quint8(browserCode - kFirstError);
    const qsizetype reason = browserCode - kFirstFirefoxReason;
    if (reason == 0) // Firefox blocked without a reason: any blocking error is the same
        return true;
    if (reason >= firefoxReasons().size())
        return false;
    const QString &firefox = firefoxReasons().at(reason);
    const auto error = cors::CorsError(engineError);
    if (cors::firefoxReasonKey(error) == firefox)
        return true;
    // WebDriver BiDi joins repeated header lines with ", ", so a capture from Firefox cannot tell
    // two Access-Control-Allow-Origin lines (Firefox: Multiple…) from one line holding a list
    // (Firefox: …NotMatchingOrigin): the engine sees a list either way.
    const bool listOfOrigins = error == cors::CorsError::MultipleAllowOriginValues ||
                               error == cors::CorsError::PreflightMultipleAllowOriginValues;
    return listOfOrigins && firefox == QLatin1String("CORSAllowOriginNotMatchingOrigin");
}
} // namespace

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
    const bool same = sameError(engine.error, browserCode);
    if (engineBlocked)
        return same ? BrowserAgreement::Agrees : BrowserAgreement::Disagrees;
    const bool blockedWithCredentials = engine.state == VerdictState::Warning &&
                                        (engine.assumptions & Assumption::ErrorWithCredentials);
    return blockedWithCredentials && same ? BrowserAgreement::Agrees : BrowserAgreement::Disagrees;
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
