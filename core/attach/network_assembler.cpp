#include "network_assembler.h"

#include "base/header_list.h"

#include <QSet>
#include <algorithm>

namespace corslab::attach {

using session::CapturedExchange;

namespace {
constexpr double kMsPerSecond = 1000.0;
/// Preflights whose actual request never came are forgotten beyond this many.
constexpr qsizetype kMaxRememberedPreflights = 4096;
double number(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toDouble();
}

void applyResponse(PendingHop &hop, const QJsonObject &response)
{
    ResponseSeen seen;
    seen.status = response.value(QStringLiteral("status")).toInt();
    seen.reason = headerBytes(stringAt(response, "statusText"));
    seen.headers = headersFromObject(objectAt(response, "headers"));
    hop.seen = std::move(seen);
    hop.remoteAddress = headerBytes(stringAt(response, "remoteIPAddress"));
    hop.remotePort = quint16(response.value(QStringLiteral("remotePort")).toInt());
    hop.httpVersion = httpVersion(stringAt(response, "protocol"));
    const QJsonObject timing = objectAt(response, "timing");
    const double requestTime = number(timing, "requestTime");
    if (requestTime > 0) {
        hop.wireStartMono = requestTime + number(timing, "sendStart") / kMsPerSecond;
        hop.firstByteMono = requestTime + number(timing, "receiveHeadersEnd") / kMsPerSecond;
    }
}

// The headers of a preflight that also describe the request it was sent for: a request the
// browser never sent is reported without them.
bool describesTheActualRequest(const QByteArray &name)
{
    return base::equalsIgnoreCase(name, "origin") ||
           base::equalsIgnoreCase(name, "sec-fetch-mode") ||
           base::equalsIgnoreCase(name, "sec-fetch-site") ||
           base::equalsIgnoreCase(name, "sec-fetch-dest") ||
           base::equalsIgnoreCase(name, "referer") || base::equalsIgnoreCase(name, "user-agent");
}
} // namespace

NetworkAssembler::NetworkAssembler(Options options) : m_options(std::move(options))
{
}

PendingRequest &NetworkAssembler::request(const QString &requestId, const QString &sessionId,
                                          qint64 nowMs)
{
    auto [it, inserted] = m_requests.try_emplace(requestId);
    PendingRequest &r = it->second;
    if (inserted) {
        r.requestId = requestId;
        r.arrival = m_arrival++;
        r.firstSeenAtNow = nowMs;
    }
    if (r.sessionId.isEmpty())
        r.sessionId = sessionId;
    return r;
}

void NetworkAssembler::handle(const QString &sessionId, const QString &method,
                              const QJsonObject &params, qint64 nowMs)
{
    static const QString kPrefix = QStringLiteral("Network.");
    if (!method.startsWith(kPrefix))
        return;
    const QString requestId = stringAt(params, "requestId");
    if (requestId.isEmpty())
        return;
    const QStringView name = QStringView(method).mid(kPrefix.size());
    if (name == u"requestWillBeSent") {
        if (isHttpUrl(stringAt(objectAt(params, "request"), "url")) || m_requests.count(requestId))
            onRequestWillBeSent(request(requestId, sessionId, nowMs), params, nowMs);
        return;
    }
    // The other events may come first: they open the request, which requestWillBeSent completes.
    if (name == u"requestWillBeSentExtraInfo") {
        PendingRequest &r = request(requestId, sessionId, nowMs);
        r.sentHeaders.append(headersFromObject(objectAt(params, "headers")));
        r.blockedCookies += withheldCookies(params);
    } else if (name == u"responseReceivedExtraInfo") {
        PendingRequest &r = request(requestId, sessionId, nowMs);
        r.serverResponses.append(serverResponse(params));
        r.blockedCookies += refusedCookies(params);
    } else if (name == u"responseReceived") {
        PendingRequest &r = request(requestId, sessionId, nowMs);
        if (!r.hops.isEmpty())
            applyResponse(r.hops.last(), objectAt(params, "response"));
    } else if (name == u"loadingFinished") {
        onLoadingFinished(request(requestId, sessionId, nowMs), params, nowMs);
    } else if (name == u"loadingFailed") {
        onLoadingFailed(request(requestId, sessionId, nowMs), params, nowMs);
    }
}

void NetworkAssembler::onRequestWillBeSent(PendingRequest &r, const QJsonObject &params,
                                           qint64 nowMs)
{
    const double timestamp = number(params, "timestamp");
    const double wallTime = number(params, "wallTime");
    if (wallTime > 0)
        m_wallOffset = wallTime - timestamp;
    // A redirect reuses the request id: the hop before it ends with the redirect response.
    const QJsonObject redirect = objectAt(params, "redirectResponse");
    if (!redirect.isEmpty() && !r.hops.isEmpty()) {
        applyResponse(r.hops.last(), redirect);
        r.hops.last().endMono = timestamp;
    }
    const QJsonObject req = objectAt(params, "request");
    PendingHop hop;
    hop.method = headerBytes(stringAt(req, "method"));
    hop.url = stringAt(req, "url").toUtf8();
    hop.pageHeaders = headersFromObject(objectAt(req, "headers"));
    hop.requestBody = postData(req);
    hop.startMono = timestamp;
    r.hops.append(std::move(hop));
    const QJsonObject initiator = objectAt(params, "initiator");
    if (stringAt(initiator, "type") == QLatin1String("preflight")) {
        r.preflightFor = stringAt(initiator, "requestId");
        if (!r.preflightFor.isEmpty() && r.preflightFor != r.requestId) {
            const QString preflightId = r.requestId;
            const QString sessionId = r.sessionId;
            request(r.preflightFor, sessionId, nowMs).preflightId = preflightId; // r stays valid
        }
    }
}

void NetworkAssembler::onLoadingFinished(PendingRequest &r, const QJsonObject &params, qint64 nowMs)
{
    const bool hasResponse = !r.hops.isEmpty() && r.hops.last().seen;
    if (!r.isPreflight() && hasResponse && m_options.bodyCap > 0 &&
        r.body == PendingRequest::Body::NotWanted) {
        r.body = PendingRequest::Body::Wanted;
        m_bodyRequests.append({r.sessionId, r.requestId});
    }
    if (!r.hops.isEmpty())
        r.hops.last().endMono = number(params, "timestamp");
    r.finished = true;
    r.finishedAtNow = nowMs;
}

void NetworkAssembler::onLoadingFailed(PendingRequest &r, const QJsonObject &params, qint64 nowMs)
{
    const QJsonObject cors = objectAt(params, "corsErrorStatus");
    r.corsError = stringAt(cors, "corsError");
    r.failedParameter = stringAt(cors, "failedParameter");
    if (r.corsError.isEmpty()) {
        r.failure = stringAt(params, "errorText");
        const QString blocked = stringAt(params, "blockedReason");
        if (!blocked.isEmpty())
            r.failure += QStringLiteral(" (blocked by the browser: %1)").arg(blocked);
        if (params.value(QStringLiteral("canceled")).toBool())
            r.failure += QStringLiteral(" (canceled)");
    }
    if (!r.hops.isEmpty())
        r.hops.last().endMono = number(params, "timestamp");
    r.finished = true;
    r.finishedAtNow = nowMs;
}

void NetworkAssembler::noteOverride(const QString &requestId, AppliedOverride applied, qint64 nowMs)
{
    // No session: the Fetch domain pauses a worker's requests in its page's session, while the
    // Network events (and the body to fetch) belong to the worker's.
    request(requestId, {}, nowMs).overrides.append(std::move(applied));
}

QList<NetworkAssembler::BodyRequest> NetworkAssembler::takeBodyRequests()
{
    for (const BodyRequest &b : std::as_const(m_bodyRequests)) {
        const auto it = m_requests.find(b.requestId);
        if (it != m_requests.end())
            it->second.body = PendingRequest::Body::Asked;
    }
    return std::exchange(m_bodyRequests, {});
}

void NetworkAssembler::setResponseBody(const QString &requestId, const QByteArray &body,
                                       bool available)
{
    const auto it = m_requests.find(requestId);
    if (it == m_requests.end())
        return;
    PendingRequest &r = it->second;
    r.body = PendingRequest::Body::Done;
    r.responseBody = available ? body : QByteArray();
    r.bodyUnavailable = !available;
}

bool NetworkAssembler::isReady(const PendingRequest &r, qint64 nowMs) const
{
    if (!r.finished || r.hops.isEmpty() || nowMs - r.finishedAtNow < m_options.graceMs)
        return false;
    if (r.body == PendingRequest::Body::Wanted || r.body == PendingRequest::Body::Asked)
        return false;
    // The session pairs a request with the preflight before it: the preflight goes out first.
    const bool waitsForPreflight =
        !r.preflightId.isEmpty() && !m_preflights.contains(r.preflightId) &&
        m_requests.count(r.preflightId) && nowMs - r.finishedAtNow < m_options.preflightWaitMs;
    return !waitsForPreflight;
}

// Events about a request never announced as HTTP (a data:, blob: or chrome: load: its
// requestWillBeSent was ignored), or an ExtraInfo come after its request went out: nothing to
// hand out, and nothing to keep once it can no longer be completed.
void NetworkAssembler::dropUnannounced(qint64 nowMs)
{
    std::erase_if(m_requests, [&](const auto &entry) {
        const PendingRequest &r = entry.second;
        return r.hops.isEmpty() && ((r.finished && nowMs - r.finishedAtNow >= m_options.graceMs) ||
                                    nowMs - r.firstSeenAtNow >= m_options.preflightWaitMs);
    });
}

QList<CapturedExchange> NetworkAssembler::takeReady(qint64 nowMs)
{
    dropUnannounced(nowMs);
    QList<CapturedExchange> out;
    // Twice: a request whose preflight goes out in the first pass can follow it at once.
    for (int pass = 0; pass < 2; ++pass) {
        std::vector<const PendingRequest *> ready;
        QSet<QString> readyIds;
        for (const auto &[id, r] : m_requests) {
            if (isReady(r, nowMs)) {
                ready.push_back(&r);
                readyIds.insert(id);
            }
        }
        // A request whose preflight goes out now follows it in the next pass (the protocol
        // dates the request first, so the sort below would put it before its preflight).
        std::erase_if(ready,
                      [&](const PendingRequest *r) { return readyIds.contains(r->preflightId); });
        if (ready.empty())
            break;
        std::sort(ready.begin(), ready.end(), [](const PendingRequest *a, const PendingRequest *b) {
            return a->hops.first().startMono < b->hops.first().startMono;
        });
        QStringList done;
        for (const PendingRequest *r : ready) {
            handOut(*r, out);
            done.append(r->requestId);
        }
        for (const QString &id : std::as_const(done)) {
            const auto it = m_requests.find(id);
            m_preflights.remove(it->second.preflightId);
            m_requests.erase(it);
        }
    }
    while (qsizetype(m_requests.size()) > m_options.maxPending)
        evictOldest(out);
    if (m_preflights.size() > kMaxRememberedPreflights)
        m_preflights.clear();
    return out;
}

QList<CapturedExchange> NetworkAssembler::takeAll(const QString &reason)
{
    // Unfinished requests end here, saying why, and go out as finished ones do: a preflight
    // before its request.
    for (auto &[id, r] : m_requests) {
        if (!r.finished) {
            r.cutShort = reason;
            r.finished = true;
        }
    }
    QList<CapturedExchange> out = takeReady(std::numeric_limits<qint64>::max());
    // What is left waits for a body that will not come now.
    std::vector<PendingRequest *> rest;
    for (auto &[id, r] : m_requests)
        rest.push_back(&r);
    std::sort(rest.begin(), rest.end(), [](const PendingRequest *a, const PendingRequest *b) {
        return a->arrival < b->arrival;
    });
    for (const PendingRequest *r : rest)
        handOut(*r, out);
    m_requests.clear();
    m_preflights.clear();
    return out;
}

void NetworkAssembler::evictOldest(QList<CapturedExchange> &out)
{
    auto oldest =
        std::min_element(m_requests.begin(), m_requests.end(), [](const auto &a, const auto &b) {
            return a.second.arrival < b.second.arrival;
        });
    PendingRequest &r = oldest->second;
    if (!r.finished)
        r.cutShort = QStringLiteral("still running when too many requests were in flight; "
                                    "captured as far as seen");
    r.finished = true;
    handOut(r, out);
    m_requests.erase(oldest);
}

void NetworkAssembler::handOut(const PendingRequest &r, QList<CapturedExchange> &out)
{
    for (qsizetype i = 0; i < r.hops.size(); ++i) {
        if (!isHttpUrl(QString::fromUtf8(r.hops.at(i).url)))
            continue;
        out.append(toExchange(r, i));
    }
    if (r.isPreflight() && !out.isEmpty()) {
        PreflightOutcome &outcome = m_preflights[r.requestId];
        outcome.endedAtMs = std::max(out.last().finishedAtMs, out.last().startedAtMs);
        outcome.sentHeaders = out.last().requestHeaders;
    }
}

CapturedExchange NetworkAssembler::toExchange(const PendingRequest &r, qsizetype hopIndex) const
{
    const PendingHop &hop = r.hops.at(hopIndex);
    const bool last = hopIndex == r.hops.size() - 1;
    CapturedExchange x;
    x.source = QStringLiteral("browser (DevTools protocol)");
    x.method = hop.method;
    x.url = hop.url;
    x.requestHeaders =
        hopIndex < r.sentHeaders.size() ? r.sentHeaders.at(hopIndex) : hop.pageHeaders;
    x.requestBody = hop.requestBody;
    const ResponseSeen *response = hopIndex < r.serverResponses.size()
                                       ? &r.serverResponses.at(hopIndex)
                                   : hop.seen ? &*hop.seen
                                              : nullptr;
    if (response) {
        x.status = response->status;
        x.reason = response->reason.isEmpty() && hop.seen ? hop.seen->reason : response->reason;
        x.responseHeaders = response->headers;
    }
    if (const AppliedOverride *applied = overrideOfHop(r, hopIndex))
        markOverridden(*applied, hopIndex < r.serverResponses.size(), x);
    x.httpVersion = hop.httpVersion;
    x.upstreamAddress = hop.remoteAddress;
    x.upstreamPort = hop.remotePort;
    hopTimes(r, hopIndex, x);
    if (last && !r.responseBody.isEmpty()) {
        x.responseBody.stored = r.responseBody.left(m_options.bodyCap);
        x.responseBody.size = r.responseBody.size();
    }
    const bool neverSent = last && r.neverSent();
    if (neverSent) {
        x.error = QStringLiteral("not sent: the browser stopped at its preflight");
        if (const auto it = m_preflights.constFind(r.preflightId); it != m_preflights.constEnd())
            for (const base::Header &h : it->sentHeaders)
                if (describesTheActualRequest(h.first) &&
                    !base::getHeader(x.requestHeaders, h.first))
                    x.requestHeaders.append(h);
    } else if (last && !r.cutShort.isEmpty()) {
        x.error = r.cutShort;
    } else if (last && x.status == 0) {
        x.error = r.failure.isEmpty() ? QStringLiteral("no response reported by the browser")
                                      : QStringLiteral("the browser reports %1").arg(r.failure);
    }
    if (r.isPreflight())
        return x; // the browser's verdict is on the request it was sent for
    session::BrowserReport report;
    report.browser = m_options.browser;
    if (last) {
        report.corsError = r.corsError;
        report.failedParameter = r.failedParameter;
        report.notSent = neverSent;
        report.bodyUnavailable = r.bodyUnavailable;
        report.blockedCookies = r.blockedCookies;
    }
    x.browserReport = std::move(report);
    return x;
}

// Hops and overrides are in the same order; a redirect back to the same URL is told apart by
// how many hops of that URL came before.
const AppliedOverride *NetworkAssembler::overrideOfHop(const PendingRequest &r, qsizetype hopIndex)
{
    if (r.overrides.isEmpty())
        return nullptr;
    const PendingHop &hop = r.hops.at(hopIndex);
    qsizetype earlier = 0;
    for (qsizetype i = 0; i < hopIndex; ++i)
        earlier += r.hops.at(i).url == hop.url ? 1 : 0;
    for (const AppliedOverride &applied : r.overrides) {
        if (applied.url == hop.url && applied.method == hop.method && earlier-- == 0)
            return &applied;
    }
    return nullptr;
}

void NetworkAssembler::hopTimes(const PendingRequest &r, qsizetype hopIndex,
                                CapturedExchange &x) const
{
    const PendingHop &hop = r.hops.at(hopIndex);
    x.startedAtMs = wallMs(hop.wireStartMono > 0 ? hop.wireStartMono : hop.startMono);
    x.firstByteAtMs = hop.firstByteMono > 0 ? wallMs(hop.firstByteMono) : 0;
    x.finishedAtMs = hop.endMono > 0 ? wallMs(hop.endMono) : 0;
    // The request went on the wire after its preflight's answer (the protocol dates it from
    // when the page asked, before the preflight): the session's pairing needs that order.
    if (hopIndex == 0 && !r.preflightId.isEmpty()) {
        if (const auto it = m_preflights.constFind(r.preflightId); it != m_preflights.constEnd())
            x.startedAtMs = std::max(x.startedAtMs, it->endedAtMs);
    }
    x.firstByteAtMs = x.firstByteAtMs ? std::max(x.firstByteAtMs, x.startedAtMs) : 0;
    x.finishedAtMs = x.finishedAtMs ? std::max(x.finishedAtMs, x.startedAtMs) : 0;
}

qint64 NetworkAssembler::wallMs(double monotonicSeconds) const
{
    return qint64((monotonicSeconds + m_wallOffset) * kMsPerSecond);
}

} // namespace corslab::attach
