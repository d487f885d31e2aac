#include "explanation_view.h"

#include "cors/cors_error.h"
#include "cors/explanation.h"
#include "cors/safari_console.h"
#include "http/http_message.h"
#include "session/session.h"

#include <algorithm>

namespace corslab::report {

namespace {

QString latin1(const QByteArray &bytes)
{
    return QString::fromLatin1(bytes);
}

ExplainedCheck explainOne(const cors::Check &check, const cors::Scenario &scenario,
                          const cors::Verdict &verdict, const cors::BrowserProfile &profile)
{
    ExplainedCheck out;
    out.step = check.step;
    out.phase = check.phase;
    out.ok = check.ok;
    out.stepName = QString::fromLatin1(cors::stepInfo(check.step).name);
    out.phaseName = cors::phaseName(check.phase, check.hop);
    out.sentence = cors::explainCheck(check, scenario, verdict, profile);
    out.specUrl = specUrl(check.step);
    return out;
}

// The warnings the engine raises about the actual response. A preflight explained on its own was
// judged against a stand-in response, so these would describe nothing the server sent.
bool isAboutActualResponse(const cors::Warning &w)
{
    switch (w.kind) {
    case cors::WarningKind::EchoedOriginWithoutVary:
    case cors::WarningKind::WildcardWithCookies:
    case cors::WarningKind::NullOriginAllowed:
    case cors::WarningKind::CredentialedOriginReflection:
    case cors::WarningKind::HiddenResponseHeaders:
        return true;
    case cors::WarningKind::WildcardIgnoredWithCredentials:
        return w.wildcardHeader == cors::WildcardHeader::ExposeHeaders;
    case cors::WarningKind::MaxAgeAboveCap:
    case cors::WarningKind::WildcardAuthorization:
    case cors::WarningKind::ForbiddenHeadersDropped:
    case cors::WarningKind::LocalNetworkAccess:
    case cors::WarningKind::ThirdPartyCookies:
        break;
    }
    return false;
}

QString notApplicableSummary(const session::Classification &c)
{
    switch (c.kind) {
    case session::ExchangeKind::SameOrigin:
        return QStringLiteral("Same-origin request: CORS does not apply, the page reads the "
                              "response as is.");
    case session::ExchangeKind::Navigation:
        return QStringLiteral("A page load (navigation): CORS does not apply.");
    case session::ExchangeKind::Tunnel:
        return QStringLiteral("An opaque CONNECT tunnel: nothing was decrypted, so there is "
                              "nothing to judge. Turn on HTTPS interception to see inside.");
    case session::ExchangeKind::NoCors:
        if (c.webSocket)
            return QStringLiteral("A WebSocket handshake: CORS does not apply; the server must "
                                  "check the Origin header itself.");
        return QStringLiteral("Not a CORS request (mode 'no-cors': an image, script or style, or "
                              "no Origin at all): a script cannot read the response.");
    default:
        break;
    }
    return QStringLiteral("CORS does not apply to this exchange.");
}

QString warningCount(int n)
{
    return n == 1 ? QStringLiteral("1 warning") : QStringLiteral("%1 warnings").arg(n);
}

QString responseTitle(const QString &what, const QByteArray &method, const QUrl &url)
{
    return QStringLiteral("%1 (%2 %3)").arg(what, latin1(method), url.toString());
}

void appendTarget(QList<FixTarget> &out, const cors::HeaderPatch &patch, const QString &title,
                  bool preflight)
{
    if (patch.isEmpty())
        return;
    FixTarget t;
    t.title = title;
    t.preflight = preflight;
    t.status = patch.status;
    for (const base::Header &h : patch.set)
        t.headerLines << latin1(h.first + ": " + h.second);
    t.removeNames = patch.remove;
    out.append(t);
}

QStringList flatten(const QList<FixTarget> &targets)
{
    QStringList lines;
    for (const FixTarget &t : targets) {
        lines << QStringLiteral("# ") + t.title;
        if (t.status)
            lines << QStringLiteral("HTTP/1.1 %1 %2")
                         .arg(*t.status)
                         .arg(latin1(http::standardReasonPhrase(*t.status)));
        lines += t.headerLines;
        for (const QByteArray &name : t.removeNames)
            lines << QStringLiteral("# remove: ") + latin1(name);
    }
    return lines;
}

void addFix(Explanation &e, const cors::Scenario &scenario, const cors::Verdict &verdict,
            const cors::BrowserProfile &profile)
{
    e.fix = cors::findFix(scenario, verdict, profile);
    if (!e.fix)
        return;
    e.fixTargets = fixTargets(*e.fix, scenario);
    e.fixHeaderLines = flatten(e.fixTargets);
    e.fixSteps = e.fix->steps;
    if (!e.fix->complete)
        e.fixSteps << QStringLiteral("No change CORS Lab can express makes this request pass "
                                     "under %1: the steps above are as far as it gets.")
                          .arg(profile.displayName);
    if (e.fix->client && !e.fix->client->required)
        e.clientAlternative = e.fix->client->summary;
}

} // namespace

QString specUrl(cors::Step step)
{
    return QStringLiteral("https://fetch.spec.whatwg.org/#") +
           QString::fromLatin1(cors::stepInfo(step).anchor);
}

QList<BrowserText> browserTexts(const cors::Verdict &v, const cors::Scenario &s,
                                const cors::BrowserProfile &current)
{
    QList<BrowserText> out;
    if (v.exposed || v.error == cors::CorsError::None)
        return out;
    const QString console = cors::chromiumConsoleLine(v, s);
    if (!console.isEmpty())
        out.append({cors::Browser::Chromium, QStringLiteral("Chrome console"), console, {}, false});
    if (cors::isChromiumCorsError(v.error))
        out.append({cors::Browser::Chromium,
                    QStringLiteral("Chrome DevTools CorsError"),
                    cors::corsErrorName(v.error),
                    {},
                    false});
    const QString key = cors::firefoxReasonKey(v);
    if (!key.isEmpty())
        out.append(
            {cors::Browser::Firefox, QStringLiteral("Firefox console reason"), key,
             QStringLiteral("https://developer.mozilla.org/docs/Web/HTTP/CORS/Errors/") + key,
             false});
    const QString safari = cors::safariConsoleText(s, v);
    if (!safari.isEmpty())
        out.append({cors::Browser::Safari, QStringLiteral("Safari console"), safari, {}, false});
    for (BrowserText &t : out)
        t.current = t.browser == current.browser;
    // The profile's own browser first: that is the text the user is looking at.
    std::stable_partition(out.begin(), out.end(), [](const BrowserText &t) { return t.current; });
    return out;
}

QList<FixTarget> fixTargets(const cors::Fix &fix, const cors::Scenario &scenario)
{
    QList<FixTarget> out;
    if (fix.preflight)
        appendTarget(out, *fix.preflight,
                     responseTitle(QStringLiteral("Preflight response"), "OPTIONS", scenario.url()),
                     true);
    for (auto it = fix.redirects.cbegin(); it != fix.redirects.cend(); ++it)
        appendTarget(out, it.value(), QStringLiteral("Redirect #%1 response").arg(it.key() + 1),
                     false);
    if (fix.response)
        appendTarget(out, *fix.response,
                     responseTitle(QStringLiteral("Response"), scenario.method, scenario.url()),
                     false);
    return out;
}

Explanation explainEvaluation(const session::ExchangeEvaluation &ev,
                              const cors::BrowserProfile &profile, bool preflightOnly)
{
    using session::VerdictState;
    Explanation e;
    e.preflightOnly = preflightOnly;
    e.kind = ev.classification.kind;
    e.state = ev.summary.state;
    e.error = ev.summary.corsError();
    e.profileName = profile.displayName;
    for (const QString &note : ev.notes) {
        if (!note.isEmpty())
            e.notes << note;
    }
    if (e.state == VerdictState::NotApplicable) {
        e.headline = QStringLiteral("CORS DOES NOT APPLY");
        e.summary = notApplicableSummary(ev.classification);
        return e;
    }
    if (e.state == VerdictState::Unknown || !ev.verdict) {
        e.headline = QStringLiteral("CANNOT JUDGE");
        // The evaluator's last note is always the reason it could not judge.
        e.summary = e.notes.isEmpty() ? QStringLiteral("The engine could not judge this exchange.")
                                      : e.notes.last();
        return e;
    }

    const cors::Verdict &v = *ev.verdict;
    const cors::Scenario &s = ev.scenario;
    e.verdict = v;
    for (const cors::Check &c : v.checks) {
        if (preflightOnly && c.phase == cors::Phase::Response)
            continue;
        e.checks.append(explainOne(c, s, v, profile));
    }
    for (const cors::Warning &w : v.warnings) {
        if (preflightOnly && isAboutActualResponse(w))
            continue;
        e.warnings.append({w.severity, cors::explainWarning(w, profile)});
    }

    const QString subject =
        preflightOnly ? QStringLiteral("PREFLIGHT PASSED") : QStringLiteral("EXPOSED");
    const QString method = latin1(s.method);
    switch (e.state) {
    case VerdictState::Blocked:
        e.headline = QStringLiteral("BLOCKED — ") + cors::corsErrorName(v.error);
        e.summary = cors::summarizeVerdict(v, s, profile);
        if (preflightOnly)
            e.summary += QStringLiteral(" The %1 request itself was never sent.").arg(method);
        e.browserTexts = browserTexts(v, s, profile);
        addFix(e, s, v, profile);
        break;
    case VerdictState::Warning:
        if ((ev.summary.assumptions & session::Assumption::ErrorWithCredentials) &&
            ev.credentialedVerdict && ev.credentialedScenario && !ev.credentialedVerdict->exposed) {
            const cors::Verdict &cv = *ev.credentialedVerdict;
            const cors::Scenario &cs = *ev.credentialedScenario;
            e.credentialedVerdict = cv;
            e.headline = QStringLiteral("WARNING — blocked with credentials: ") +
                         cors::corsErrorName(cv.error);
            e.summary = preflightOnly
                            ? QStringLiteral("The preflight passes for a request without "
                                             "credentials, but had the page used credentials: "
                                             "'include' it would fail: %1")
                                  .arg(cors::summarizeVerdict(cv, cs, profile))
                            : QStringLiteral("%1 But had the page sent credentials ('include'), "
                                             "it would be blocked: %2")
                                  .arg(cors::summarizeVerdict(v, s, profile),
                                       cors::summarizeVerdict(cv, cs, profile));
            if (const cors::Check *failed = cv.failedCheck())
                e.failsWithCredentials = explainOne(*failed, cs, cv, profile);
            e.browserTexts = browserTexts(cv, cs, profile);
            addFix(e, cs, cv, profile);
            if (e.fix)
                e.fixCondition = QStringLiteral("if the page sends credentials: 'include'");
        } else {
            e.headline = subject + QStringLiteral(" — ") + warningCount(ev.summary.warnings);
            e.summary = preflightOnly ? QStringLiteral("The preflight passes: %1 may send the %2 "
                                                       "request, but mind the warnings.")
                                            .arg(profile.displayName, method)
                                      : cors::summarizeVerdict(v, s, profile);
        }
        break;
    case VerdictState::Exposed:
    case VerdictState::NotApplicable:
    case VerdictState::Unknown:
        e.headline = subject;
        e.summary = preflightOnly
                        ? QStringLiteral("The preflight passes: %1 may send the %2 request.")
                              .arg(profile.displayName, method)
                        : cors::summarizeVerdict(v, s, profile);
        break;
    }
    return e;
}

Explanation explainExchange(const session::Session &session, qsizetype index, bool preflightOnly)
{
    if (index < 0 || index >= session.count())
        return {};
    Explanation e = explainEvaluation(session.evaluation(index), session.profile(), preflightOnly);
    e.index = index;
    const session::ExchangeRow row = session.row(index);
    e.id = row.id;
    if (row.browserVerdict != session::browser_verdict::kNone)
        e.browser = browserOpinion(session.exchange(index), row.verdict);
    return e;
}

} // namespace corslab::report
