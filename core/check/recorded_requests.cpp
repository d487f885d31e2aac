// A recording read as the requests the page made and what it saw of each: the session already
// classified, paired and judged every exchange; this picks the CORS ones and keys them.
#include "recorded_requests.h"

#include "cors/fetch_rules.h"
#include "report/explanation_view.h"
#include "session/exchange_judge.h"
#include "session/session.h"

#include <QHash>
#include <algorithm>
#include <memory>

namespace corslab::check {

namespace {

QList<QByteArray> sortedNames(const base::HeaderList &headers)
{
    QList<QByteArray> names;
    for (const auto &header : headers) {
        const QByteArray lower = header.first.toLower();
        if (!names.contains(lower))
            names.append(lower);
    }
    std::sort(names.begin(), names.end());
    return names;
}

/// \a headers without those a browser adds by itself (Accept and Accept-*, which fetch() fills
/// in unless the script sets them: a recording cannot tell, and a contract should not insist).
base::HeaderList scriptHeaders(const base::HeaderList &headers)
{
    base::HeaderList kept;
    for (const auto &[name, value] : headers) {
        const QByteArray lower = name.toLower();
        if (lower == "accept" || lower.startsWith("accept-") ||
            session::isBrowserAddedRequestHeader(name, value))
            continue;
        kept.append({name, value});
    }
    return kept;
}

/// A whole number of seconds, or nullopt (absent, negative, not a number).
std::optional<qint64> maxAgeOf(const session::CapturedExchange &preflight)
{
    const std::optional<QByteArray> value =
        base::getHeader(preflight.responseHeaders, "access-control-max-age");
    bool ok = false;
    const qint64 seconds = value ? value->trimmed().toLongLong(&ok) : 0;
    return ok && seconds >= 0 ? std::optional(seconds) : std::nullopt;
}

/// The headers a preflight announced, with stand-in values (the preflight does not carry them).
base::HeaderList announcedHeaders(const QList<QByteArray> &names)
{
    base::HeaderList headers;
    for (const QByteArray &name : names)
        headers.append({name, name == "content-type" ? QByteArray("application/json") : "1"});
    return headers;
}

bool isActualKind(session::ExchangeKind kind)
{
    return kind == session::ExchangeKind::SimpleCors ||
           kind == session::ExchangeKind::PreflightedActual ||
           kind == session::ExchangeKind::PreflightCachedActual;
}

/// What the page saw of exchange \a index (an actual request, or a preflight standing for it).
Observation observe(const session::Session &s, qsizetype index, const session::ExchangeRow &row,
                    const session::ExchangeEvaluation &evaluation, bool preflightOnly)
{
    const session::CapturedExchange x = s.exchange(index);
    const report::Explanation e = report::explainEvaluation(evaluation, s.profile(), preflightOnly);
    Observation o;
    o.browser = s.profile().name;
    o.exposed = row.verdict.state == session::VerdictState::Exposed ||
                row.verdict.state == session::VerdictState::Warning;
    if (row.verdict.state == session::VerdictState::Blocked)
        o.error = row.verdict.corsError();
    if (row.verdict.state == session::VerdictState::Unknown)
        o.networkFailure = x.error.isEmpty()
                               ? QStringLiteral("the recorded request got no response")
                               : QStringLiteral("the recorded request failed: ") + x.error;
    o.preflightSent = preflightOnly || row.pairing == session::PairingState::Paired;
    if (e.verdict && o.exposed)
        o.readableHeaders = e.verdict->readableHeaders;
    o.varyOrigin = !preflightOnly && varyCoversOrigin(x.responseHeaders);
    const qsizetype preflight = preflightOnly     ? index
                                : o.preflightSent ? s.indexOfId(row.pairedId)
                                                  : -1;
    if (preflight >= 0)
        o.preflightMaxAgeSeconds = maxAgeOf(s.exchange(preflight));
    o.explanation = e.summary;
    o.fix = e.fix ? e.fix->summary() : QString();
    return o;
}

/// Exchange \a index as a recorded request, or nullopt when it is not one (not CORS, or a
/// preflight whose request was sent and is listed on its own).
std::optional<RecordedRequest> recordedAt(const session::Session &s, qsizetype index)
{
    const session::ExchangeRow row = s.row(index);
    const bool actual = isActualKind(row.kind);
    const bool lonePreflight = row.kind == session::ExchangeKind::Preflight &&
                               row.pairing == session::PairingState::None &&
                               row.verdict.state == session::VerdictState::Blocked;
    if (!actual && !lonePreflight)
        return std::nullopt;
    const session::ExchangeEvaluation evaluation = s.evaluation(index);
    const session::Classification &c = evaluation.classification;
    RecordedRequest r;
    r.index = index;
    r.preflightOnly = lonePreflight;
    r.headers = actual ? scriptHeaders(c.scriptHeaders) : announcedHeaders(c.requestedHeaders);
    // Across origins 'omit' and 'same-origin' send the same: say it the contract's default way.
    r.credentials = row.verdict.credentialsMode() == cors::CredentialsMode::Include
                        ? cors::CredentialsMode::Include
                        : cors::CredentialsMode::SameOrigin;
    r.key.origin = row.origin;
    r.key.url = urlKey(QUrl::fromEncoded(row.url));
    r.key.method = cors::normalizeMethod(actual ? row.method : c.requestedMethod);
    r.key.headerNames = sortedNames(r.headers);
    r.key.credentials = r.credentials == cors::CredentialsMode::Include;
    r.observation = observe(s, index, row, evaluation, lonePreflight);
    if (actual)
        r.allowOrigin =
            base::getHeader(s.exchange(index).responseHeaders, "access-control-allow-origin")
                .value_or(QByteArray());
    return r;
}

/// \a session judged under \a browser: itself when it already is, else a copy judged again.
const session::Session &judgedUnder(const session::Session &session, const QString &browser,
                                    std::unique_ptr<session::Session> *keep)
{
    const cors::BrowserProfile *profile = cors::BrowserProfile::byName(browser);
    if (!profile || profile->name == session.profile().name)
        return session;
    *keep = std::make_unique<session::Session>(session.options());
    (*keep)->setProfile(*profile);
    (*keep)->append(session.snapshot(0, session.count()).exchanges);
    return **keep;
}

/// The key as one string (NUL never occurs in any of its parts), for hashing.
QByteArray keyText(const RequestKey &key)
{
    const QByteArray sep(1, '\0');
    return key.origin + sep + key.url + sep + key.method + sep + key.headerNames.join(',') + sep +
           (key.credentials ? "include" : "");
}

QString notRecorded(const ContractCase &c)
{
    return QStringLiteral("not in the recording: no %1 %2 from %3 with %4 was recorded")
        .arg(QString::fromLatin1(c.request.method), c.request.url.toString(),
             QString::fromLatin1(c.request.origin),
             c.request.headers.isEmpty()
                 ? QStringLiteral("no script headers")
                 : QStringLiteral("headers ") +
                       QString::fromLatin1(sortedNames(c.request.headers).join(", ")));
}

} // namespace

QByteArray urlKey(const QUrl &url)
{
    QUrl u = url.adjusted(QUrl::RemoveQuery | QUrl::RemoveFragment | QUrl::RemoveUserInfo);
    if (u.port() == cors::defaultPort(u.scheme().toLatin1()))
        u.setPort(-1);
    if (u.path().isEmpty())
        u.setPath(QStringLiteral("/"));
    return u.toEncoded();
}

RequestKey caseKey(const ContractCase &c)
{
    RequestKey key;
    key.origin = c.request.origin;
    key.url = urlKey(c.request.url);
    key.method = cors::normalizeMethod(c.request.method);
    key.headerNames = sortedNames(c.request.headers);
    key.credentials = c.request.credentials == cors::CredentialsMode::Include;
    return key;
}

QList<RecordedRequest> recordedRequests(const session::Session &session)
{
    QList<RecordedRequest> list;
    QHash<QByteArray, qsizetype> byKey; // a request seen again replaces its earlier outcome
    for (qsizetype i = 0; i < session.count(); ++i) {
        std::optional<RecordedRequest> r = recordedAt(session, i);
        if (!r)
            continue;
        const QByteArray text = keyText(r->key);
        const auto seen = byKey.constFind(text);
        if (seen != byKey.constEnd()) {
            list[*seen] = *r;
        } else {
            byKey.insert(text, list.size());
            list.append(*r);
        }
    }
    return list;
}

QList<Observation> observationsFromSession(const session::Session &session,
                                           const QList<ContractCase> &cases)
{
    QHash<QString, QList<RecordedRequest>> byBrowser;
    QList<Observation> observations;
    for (const ContractCase &c : cases) {
        if (!byBrowser.contains(c.browser)) {
            std::unique_ptr<session::Session> copy;
            byBrowser.insert(c.browser, recordedRequests(judgedUnder(session, c.browser, &copy)));
        }
        const RequestKey key = caseKey(c);
        const QList<RecordedRequest> &recorded = byBrowser[c.browser];
        const auto found = std::find_if(recorded.begin(), recorded.end(),
                                        [&](const RecordedRequest &r) { return r.key == key; });
        Observation o;
        if (found != recorded.end()) {
            o = found->observation;
        } else {
            o.networkFailure = notRecorded(c);
        }
        o.browser = c.browser;
        observations.append(o);
    }
    return observations;
}

} // namespace corslab::check
