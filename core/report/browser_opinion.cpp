#include "browser_opinion.h"

#include "cors/cors_error.h"

namespace corslab::report {

QString browserShortName(const QString &product)
{
    const QString name = product.section(QLatin1Char('/'), 0, 0);
    if (name.isEmpty())
        return QStringLiteral("the browser");
    if (name == QLatin1String("HeadlessChrome"))
        return QStringLiteral("Chrome");
    if (name == QLatin1String("Edg"))
        return QStringLiteral("Edge");
    return name;
}

namespace {
QString engineSays(const session::VerdictSummary &engine)
{
    const QString error = engine.error
                              ? QStringLiteral(" (%1)").arg(cors::corsErrorName(engine.corsError()))
                              : QString();
    switch (engine.state) {
    case session::VerdictState::Blocked:
        return QStringLiteral("blocked") + error;
    case session::VerdictState::Warning:
        return engine.error ? QStringLiteral("exposed, but blocked with credentials") + error
                            : QStringLiteral("exposed, with warnings");
    case session::VerdictState::Exposed:
        return QStringLiteral("exposed");
    case session::VerdictState::NotApplicable:
        return QStringLiteral("CORS does not apply");
    case session::VerdictState::Unknown:
        return QStringLiteral("cannot judge");
    }
    return {};
}

QString cookieLine(const session::BlockedCookie &c)
{
    const QString name = QString::fromLatin1(c.name);
    const QString why = c.reasons.join(QStringLiteral(", "));
    return c.fromResponse ? QStringLiteral("Set-Cookie of %1 refused: %2").arg(name, why)
                          : QStringLiteral("cookie %1 not sent: %2").arg(name, why);
}
} // namespace

std::optional<BrowserOpinion> browserOpinion(const session::CapturedExchange &x,
                                             const session::VerdictSummary &engine)
{
    if (!x.browserReport)
        return std::nullopt;
    const session::BrowserReport &b = *x.browserReport;
    BrowserOpinion o;
    o.browser = browserShortName(b.browser);
    o.agreement =
        session::browserAgreement(engine, session::browser_verdict::code(x.browserReport));
    if (b.corsError.isEmpty())
        o.said = QStringLiteral("no CORS error");
    else if (b.corsError == session::browser_verdict::firefoxReasons().constFirst())
        o.said = QStringLiteral("blocked, without saying why (%1)").arg(b.corsError);
    else
        o.said = QStringLiteral("blocked: %1").arg(b.corsError) +
                 (b.failedParameter.isEmpty()
                      ? QString()
                      : QStringLiteral(" (failed parameter: %1)").arg(b.failedParameter));
    if (b.notSent)
        o.said += QStringLiteral("; the request was never sent");
    switch (o.agreement) {
    case session::BrowserAgreement::Agrees:
        o.sentence = QStringLiteral("%1 and CORS Lab agree.").arg(o.browser);
        break;
    case session::BrowserAgreement::Disagrees:
        o.sentence =
            QStringLiteral("%1 and CORS Lab disagree: %1 says %2, CORS Lab says %3. Export "
                           "the exchange as a scenario to report it.")
                .arg(o.browser, o.said, engineSays(engine));
        break;
    case session::BrowserAgreement::EngineUndecided:
        o.sentence = QStringLiteral("%1 says %2; CORS Lab cannot judge this exchange.")
                         .arg(o.browser, o.said);
        break;
    case session::BrowserAgreement::NoBrowserVerdict:
        break;
    }
    for (const session::BlockedCookie &c : b.blockedCookies)
        o.cookies.append(cookieLine(c));
    return o;
}

} // namespace corslab::report
