#include "exchange_judge.h"

#include "base/header_list.h"
#include "cors/cors_engine.h"
#include "cors/fetch_rules.h"
#include "cors/preflight_cache.h"

#include <QVarLengthArray>
#include <array>

namespace corslab::session {

bool isBrowserAddedRequestHeader(const QByteArray &name, const QByteArray &value)
{
    // Runs for every header of every captured exchange, so sizes are compared before bytes.
    // The answer is cors::isForbiddenRequestHeader(name, value) or one of the last five names;
    // tst_exchange_classifier checks that the two stay in step.
    static constexpr QByteArrayView names[] = {
        // Fetch #forbidden-request-header
        "accept-charset", "accept-encoding", "access-control-request-headers",
        "access-control-request-method", "connection", "content-length", "cookie", "cookie2",
        "date", "dnt", "expect", "host", "keep-alive", "origin", "referer", "set-cookie", "te",
        "trailer", "transfer-encoding", "upgrade", "via",
        // Set by the browser itself (and by DevTools' "Disable cache"), not by the script.
        "user-agent", "priority", "upgrade-insecure-requests", "pragma", "cache-control"};
    // The names by length, so that a header is compared with at most four of them.
    static const auto byLength = [] {
        std::array<QList<QByteArrayView>, 32> table;
        for (QByteArrayView n : names)
            table[size_t(n.size())].append(n);
        return table;
    }();
    if (name.size() < qsizetype(byLength.size())) {
        for (QByteArrayView n : byLength[size_t(name.size())]) {
            if (base::equalsIgnoreCase(name, n))
                return true;
        }
    }
    const QByteArrayView v(name);
    const char first = v.isEmpty() ? '\0' : char(v[0] | 0x20);
    if ((first == 'p' && v.size() >= 6 && base::equalsIgnoreCase(v.first(6), "proxy-")) ||
        (first == 's' && v.size() >= 4 && base::equalsIgnoreCase(v.first(4), "sec-")))
        return true;
    // The method-override headers are forbidden depending on their value: the engine decides.
    return !v.isEmpty() && (v[0] == 'x' || v[0] == 'X') &&
           cors::isForbiddenRequestHeader(name, value);
}

namespace {

QString verdictLine(const cors::Verdict &v)
{
    if (v.exposed)
        return QStringLiteral("exposed");
    return QStringLiteral("blocked: ") + cors::corsErrorName(v.error);
}

} // namespace

ExchangeJudgement judgeExchange(const http::HttpRequest &request,
                                const http::HttpResponse &response, const QUrl &url,
                                const cors::BrowserProfile &profile)
{
    ExchangeJudgement j;
    const std::optional<QByteArray> origin = request.header("origin");
    if (!origin) {
        j.summary = QStringLiteral("no Origin header: not a CORS request");
        return j;
    }
    cors::Scenario &s = j.scenario;
    s.browser = profile.name;
    s.setUrl(url);
    QString error;
    if (!cors::Origin::parse(QString::fromLatin1(*origin), &s.origin, &error)) {
        j.summary =
            QStringLiteral("Origin header is not an origin: ") + QString::fromLatin1(*origin);
        return j;
    }
    if (s.origin.sameOriginAs(s.urlOrigin())) {
        j.summary = QStringLiteral("same-origin request: CORS does not apply");
        return j;
    }
    const std::optional<QByteArray> requestedMethod =
        request.header("access-control-request-method");
    if (request.method == "OPTIONS" && requestedMethod) {
        // A preflight: judge the request it announces against this answer.
        j.kind = ExchangeJudgement::Kind::Preflight;
        s.method = *requestedMethod;
        const QByteArray names =
            request.header("access-control-request-headers").value_or(QByteArray());
        for (const QByteArray &name : names.split(',')) {
            if (!name.trimmed().isEmpty())
                s.headers.append({name.trimmed(), QByteArrayLiteral("(set by the page)")});
        }
        s.preflight = cors::ResponseSpec{response.status, response.headers};
        // The actual response is not known yet: let it pass so that only the preflight decides.
        s.response = cors::ResponseSpec{200, {{"Access-Control-Allow-Origin", "*"}}};
        s.credentials = cors::CredentialsMode::Omit;
        j.verdict = cors::evaluate(s, profile);
        cors::Scenario credentialed = s;
        credentialed.credentials = cors::CredentialsMode::Include;
        credentialed.response.headers = {{"Access-Control-Allow-Origin", *origin},
                                         {"Access-Control-Allow-Credentials", "true"}};
        j.credentialedVerdict = cors::evaluate(credentialed, profile);
        const bool plain = j.verdict->preflightOk;
        const bool withCredentials = j.credentialedVerdict->preflightOk;
        if (plain && withCredentials)
            j.summary = QStringLiteral("preflight ok");
        else if (plain)
            j.summary =
                QStringLiteral("preflight ok without credentials; with credentials blocked: ") +
                cors::corsErrorName(j.credentialedVerdict->error);
        else
            j.summary =
                QStringLiteral("preflight blocked: ") + cors::corsErrorName(j.verdict->error);
        return j;
    }
    j.kind = ExchangeJudgement::Kind::Actual;
    s.method = request.method;
    for (const auto &h : request.headers) {
        if (!isBrowserAddedRequestHeader(h.first, h.second))
            s.headers.append({h.first, h.second});
    }
    s.credentials = request.header("cookie") ? cors::CredentialsMode::Include
                                             : cors::CredentialsMode::SameOrigin;
    s.response = cors::ResponseSpec{response.status, response.headers};
    // The preflight, if any, was its own exchange and is judged there. Here a cache entry stands
    // for it, so the engine judges this response alone (and says the preflight was not re-sent).
    QByteArray unsafe;
    for (const cors::UnsafeHeader &u : cors::corsUnsafeRequestHeaderNames(s.headers, profile))
        unsafe += (unsafe.isEmpty() ? "" : ",") + u.name;
    cors::PreflightCache passed;
    passed.store({s.origin.serialize(), url, s.credentials == cors::CredentialsMode::Include, 60,
                  base::extractHeaderListValues({{"m", s.method}}, "m"),
                  base::extractHeaderListValues({{"h", unsafe}}, "h")},
                 0);
    j.verdict = cors::evaluate(s, profile, passed, 0);
    j.summary = verdictLine(*j.verdict);
    if (s.credentials != cors::CredentialsMode::Include) {
        cors::Scenario credentialed = s;
        credentialed.credentials = cors::CredentialsMode::Include;
        cors::PreflightCache passedWithCredentials;
        passedWithCredentials.store({s.origin.serialize(), url, true, 60,
                                     base::extractHeaderListValues({{"m", s.method}}, "m"),
                                     base::extractHeaderListValues({{"h", unsafe}}, "h")},
                                    0);
        j.credentialedVerdict = cors::evaluate(credentialed, profile, passedWithCredentials, 0);
        if (j.verdict->exposed && !j.credentialedVerdict->exposed)
            j.summary += QStringLiteral("; with credentials: 'include' blocked: ") +
                         cors::corsErrorName(j.credentialedVerdict->error);
    }
    // No cookie, a server that asks for authentication, and a page of another site: the usual
    // reason is the browser's third-party cookie policy, which CORS headers cannot change.
    const bool serverWantsCredentials = response.status == 401 || response.status == 403;
    if (!request.header("cookie") && serverWantsCredentials &&
        !cors::sameSite(s.origin, s.urlOrigin())) {
        j.cookieNote =
            QStringLiteral("no cookie was sent: %1 and %2 are different sites, and %3 blocks "
                           "third-party cookies, whatever CORS allows")
                .arg(QString::fromLatin1(s.origin.serialize()),
                     QString::fromLatin1(s.urlOrigin().serialize()), profile.displayName);
        j.summary += QStringLiteral(" (") + j.cookieNote + QLatin1Char(')');
    }
    return j;
}

} // namespace corslab::session

namespace corslab::session {

namespace {
// The pieces of an exchange copied into one stack buffer (length-prefixed, so "ab"+"c" and
// "a"+"bc" differ) and hashed once with Qt's qHashBits: no allocation, one hash call.
struct PieceHash
{
    QVarLengthArray<char, 4096> bytes;
    void add(QByteArrayView piece)
    {
        const qsizetype n = piece.size();
        bytes.append(reinterpret_cast<const char *>(&n), sizeof n);
        bytes.append(piece.data(), n);
    }
    size_t value() const { return qHashBits(bytes.constData(), size_t(bytes.size()), 0x9e3779b9U); }
};
} // namespace

const ExchangeJudgement &ExchangeJudge::judge(const http::HttpRequest &request,
                                              const http::HttpResponse &response,
                                              const QByteArray &url)
{
    PieceHash key;
    key.add(url);
    key.add(request.method);
    for (const auto &h : request.headers) {
        key.add(h.first);
        key.add(base::equalsIgnoreCase(h.first, "cookie") ? QByteArrayView("present")
                                                          : QByteArrayView(h.second));
    }
    key.add(
        QByteArrayView(reinterpret_cast<const char *>(&response.status), sizeof response.status));
    for (const auto &h : response.headers) {
        key.add(h.first);
        key.add(h.second);
    }
    const size_t hash = key.value();
    auto it = m_cache.constFind(hash);
    if (it != m_cache.constEnd())
        return *it;
    if (m_cache.size() >= m_capacity)
        m_cache.clear(); // simple and bounded; a busy app refills it with what it repeats
    ExchangeJudgement judgement =
        judgeExchange(request, response, QUrl(QString::fromLatin1(url)), m_profile);
    judgement.summaryUtf8 = judgement.summary.toUtf8();
    return *m_cache.insert(hash, judgement);
}

} // namespace corslab::session
