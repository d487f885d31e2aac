#include "bidi_assembler.h"

#include "devtools_values.h"

#include <QJsonArray>
#include <algorithm>

namespace corslab::attach {

using session::CapturedExchange;

namespace {
const QString kSource = QStringLiteral("browser (WebDriver BiDi)");
const QString kBlockedWithoutReason = QStringLiteral("NS_ERROR_DOM_BAD_URI");

bool isPreflightHop(const BidiHop &hop)
{
    return hop.method == "OPTIONS" &&
           base::getHeader(hop.requestHeaders, "access-control-request-method").has_value();
}

qint64 timestampOf(const QJsonObject &params)
{
    return qint64(params.value(QStringLiteral("timestamp")).toDouble());
}
} // namespace

BidiAssembler::BidiAssembler(Options options) : m_options(std::move(options))
{
}

void BidiAssembler::handle(const QString &method, const QJsonObject &params, qint64 nowMs)
{
    if (method == QLatin1String("log.entryAdded"))
        onConsole(params, nowMs);
    else if (method.startsWith(QLatin1String("network.")))
        onRequestEvent(method, params, nowMs);
}

void BidiAssembler::onRequestEvent(const QString &method, const QJsonObject &params, qint64 nowMs)
{
    const QJsonObject request = params.value(QStringLiteral("request")).toObject();
    const QString url = request.value(QStringLiteral("url")).toString();
    const QString id = request.value(QStringLiteral("request")).toString();
    const bool announce = method == QLatin1String("network.beforeRequestSent");
    if (id.isEmpty() || !isHttpUrl(url) || (!announce && !m_requests.count(id)))
        return; // an event of a request handed out already, or never announced, is dropped
    BidiRequest &r = m_requests[id];
    if (r.id.isEmpty()) {
        r.id = id;
        r.context = params.value(QStringLiteral("context")).toString();
        r.arrival = m_arrival++;
        m_arrivals.emplace(r.arrival, id);
    }
    r.lastEventAtNow = nowMs;
    const qsizetype index = params.value(QStringLiteral("redirectCount")).toInt();
    if (index < 0 || index > r.hops.size() || (!announce && index >= r.hops.size()))
        return; // a hop out of sequence: nothing to attach it to
    if (index == r.hops.size())
        r.hops.append(BidiHop{});
    BidiHop &hop = r.hops[index];
    const qint64 at = timestampOf(params);
    if (announce) {
        hop.method = request.value(QStringLiteral("method")).toString().toLatin1();
        hop.url = url.toUtf8();
        hop.requestHeaders = bidiHeaders(request.value(QStringLiteral("headers")).toArray());
        hop.startMs = at;
        const bool preflight = index == 0 && isPreflightHop(hop);
        r.preflight = r.preflight || preflight;
        m_index.update(r); // before linking: a preflight is never a candidate itself
        if (preflight)
            linkPreflight(r);
        return;
    }
    if (method == QLatin1String("network.fetchError")) {
        hop.fetchError = params.value(QStringLiteral("errorText")).toString();
        hop.endMs = at;
        hop.ended = true;
        m_index.update(r);
        return;
    }
    onResponse(r, hop, method, params.value(QStringLiteral("response")).toObject(), at);
    m_index.update(r);
}

// responseStarted, or responseCompleted with the same head and the end of the body.
void BidiAssembler::onResponse(BidiRequest &r, BidiHop &hop, const QString &method,
                               const QJsonObject &response, qint64 at)
{
    hop.status = response.value(QStringLiteral("status")).toInt();
    hop.reason = response.value(QStringLiteral("statusText")).toString().toLatin1();
    hop.responseHeaders = bidiHeaders(response.value(QStringLiteral("headers")).toArray());
    hop.httpVersion = httpVersion(response.value(QStringLiteral("protocol")).toString());
    if (hop.firstByteMs == 0)
        hop.firstByteMs = at;
    if (method == QLatin1String("network.responseCompleted")) {
        hop.endMs = at;
        hop.ended = true;
        wantBody(r, response);
    }
}

// A body is asked for once the response completed, when it has one within the cap (Firefox
// keeps it for the data collector the attachment added).
void BidiAssembler::wantBody(BidiRequest &r, const QJsonObject &response)
{
    // Firefox leaves content.size at 0 and gives the body's size on the wire as bodySize.
    const qint64 size = std::max(qint64(response.value(QStringLiteral("content"))
                                            .toObject()
                                            .value(QStringLiteral("size"))
                                            .toDouble()),
                                 qint64(response.value(QStringLiteral("bodySize")).toDouble()));
    r.responseBodySize = size;
    const bool wanted = !r.preflight && size > 0 && size <= m_options.bodyCap;
    r.body = wanted ? BidiRequest::Body::Wanted : BidiRequest::Body::NotWanted;
}

void BidiAssembler::noteOverride(const QString &id, int hop, const AppliedOverride &applied,
                                 qint64 nowMs)
{
    const auto it = m_requests.find(id);
    if (it == m_requests.end() || hop < 0 || hop >= it->second.hops.size())
        return;
    it->second.hops[hop].override = applied;
    it->second.lastEventAtNow = nowMs;
}

QStringList BidiAssembler::takeBodyRequests()
{
    QStringList ids;
    for (auto &[id, r] : m_requests) {
        if (r.body != BidiRequest::Body::Wanted)
            continue;
        r.body = BidiRequest::Body::Asked;
        ids.append(id);
    }
    return ids;
}

void BidiAssembler::setResponseBody(const QString &id, const QByteArray &body, bool available)
{
    const auto it = m_requests.find(id);
    if (it == m_requests.end())
        return;
    it->second.body = BidiRequest::Body::Done;
    it->second.responseBody = body;
    it->second.bodyUnavailable = !available;
}

// Firefox announces the actual request (or its next hop), then sends its preflight: the latest
// hop of the same context, URL and method, still waiting for a response, is the one this
// preflight is for.
void BidiAssembler::linkPreflight(BidiRequest &preflight)
{
    const BidiHop &hop = preflight.hops.first();
    const QByteArray method =
        base::getHeader(hop.requestHeaders, "access-control-request-method").value_or(QByteArray());
    const auto actual =
        m_requests.find(m_index.awaitingPreflight(preflight.context, hop.url, method));
    if (actual == m_requests.end())
        return;
    actual->second.hops.last().preflightId = preflight.id;
    m_index.update(actual->second);
    preflight.actualId = actual->first;
}

void BidiAssembler::onConsole(const QJsonObject &params, qint64 nowMs)
{
    const std::optional<FirefoxCorsMessage> message =
        parseFirefoxCorsMessage(params.value(QStringLiteral("text")).toString());
    if (!message)
        return;
    const QString context = params.value(QStringLiteral("source"))
                                .toObject()
                                .value(QStringLiteral("context"))
                                .toString();
    BidiRequest *r = requestBlockedBy(*message, context);
    if (!r)
        return;
    r->lastEventAtNow = nowMs;
    // The specific reason comes first; "did not succeed" after it only repeats that it failed.
    if (!r->blocked || (r->blocked->isGenericFailure() && !message->isGenericFailure())) {
        r->blocked = message;
        m_index.update(*r);
    }
}

// The request the sentence is about: the latest of that context with a hop of that URL that
// Firefox has not already explained (a preflight's failure is reported on its request).
BidiRequest *BidiAssembler::requestBlockedBy(const FirefoxCorsMessage &message,
                                             const QString &context)
{
    // A generic sentence may follow the specific one; a second specific one is another request's.
    const auto it =
        m_requests.find(m_index.latestWithUrl(context, message.url, message.isGenericFailure()));
    return it == m_requests.end() ? nullptr : &it->second;
}

bool BidiAssembler::isReady(const BidiRequest &r, qint64 nowMs) const
{
    const bool bodyPending =
        r.body == BidiRequest::Body::Wanted || r.body == BidiRequest::Body::Asked;
    return r.ended() && !bodyPending && nowMs - r.lastEventAtNow >= m_options.graceMs;
}

// A request waits for its preflights, so the session sees them in wire order.
bool BidiAssembler::waitsForPreflight(const BidiRequest &r, qint64 nowMs) const
{
    if (nowMs - r.lastEventAtNow >= m_options.preflightWaitMs)
        return false;
    return std::any_of(r.hops.cbegin(), r.hops.cend(), [&](const BidiHop &hop) {
        const auto preflight = m_requests.find(hop.preflightId);
        return preflight != m_requests.end() && !isReady(preflight->second, nowMs);
    });
}

QList<CapturedExchange> BidiAssembler::takeReady(qint64 nowMs)
{
    QList<const BidiRequest *> ready;
    for (const auto &[id, r] : m_requests) {
        if (!isReady(r, nowMs))
            continue;
        if (waitsForPreflight(r, nowMs))
            continue;
        ready.append(&r);
    }
    // In the order Firefox announced them; a request takes its preflights along (appendExchanges).
    std::sort(ready.begin(), ready.end(),
              [](const BidiRequest *a, const BidiRequest *b) { return a->arrival < b->arrival; });
    QStringList ids;
    for (const BidiRequest *r : ready)
        ids.append(r->id);
    QList<CapturedExchange> out;
    for (const QString &id : ids)
        handOut(id, out);
    evictOldest(out);
    return out;
}

QList<CapturedExchange> BidiAssembler::takeAll(const QString &reason)
{
    QList<QString> ids; // in the order Firefox announced them
    for (const auto &[arrival, id] : m_arrivals) {
        BidiRequest &r = m_requests.at(id);
        if (!r.ended())
            r.cutShort = reason;
        ids.append(id);
    }
    QList<CapturedExchange> out;
    for (const QString &id : std::as_const(ids))
        handOut(id, out);
    m_preflights.clear();
    return out;
}

void BidiAssembler::evictOldest(QList<CapturedExchange> &out)
{
    while (qsizetype(m_requests.size()) > m_options.maxPending) {
        const QString oldest = m_arrivals.begin()->second;
        m_requests.at(oldest).cutShort =
            QStringLiteral("too many requests in flight: handed out before it ended");
        handOut(oldest, out);
    }
}

void BidiAssembler::handOut(const QString &id, QList<CapturedExchange> &out)
{
    const auto it = m_requests.find(id);
    if (it == m_requests.end())
        return;
    const BidiRequest &r = it->second;
    appendExchanges(r, out);
    if (r.preflight && !r.actualId.isEmpty() && !out.isEmpty())
        m_preflights.insert(r.id, {out.last().finishedAtMs, !r.hops.first().fetchError.isEmpty()});
    for (const BidiHop &hop : r.hops)
        m_preflights.remove(hop.preflightId);
    m_index.remove(id);
    m_arrivals.erase(r.arrival);
    m_requests.erase(it);
}

// One exchange per hop that went on the wire, each after the preflight sent for it. A redirect
// Firefox refused still announces the next hop (no headers, fetchError NS_ERROR_UNEXPECTED): it
// never left, and is left out.
void BidiAssembler::appendExchanges(const BidiRequest &r, QList<CapturedExchange> &out)
{
    qsizetype last = r.hops.size() - 1;
    for (qsizetype i = 1; i < r.hops.size(); ++i) {
        if (!r.hops.at(i - 1).fetchError.isEmpty()) {
            last = i - 1;
            break;
        }
    }
    for (qsizetype i = 0; i <= last; ++i) {
        const auto preflight = m_requests.find(r.hops.at(i).preflightId);
        if (preflight != m_requests.end() && preflight->second.ended())
            handOut(r.hops.at(i).preflightId, out);
        out.append(toExchange(r, i, i == last));
    }
}

bool BidiAssembler::stoppedAtPreflight(const BidiHop &hop) const
{
    if (hop.preflightId.isEmpty() || hop.status != 0)
        return false;
    const auto handed = m_preflights.constFind(hop.preflightId);
    if (handed != m_preflights.constEnd())
        return handed->failed;
    const auto pending = m_requests.find(hop.preflightId);
    return pending != m_requests.end() && !pending->second.hops.first().fetchError.isEmpty();
}

CapturedExchange BidiAssembler::toExchange(const BidiRequest &r, qsizetype index, bool last) const
{
    const BidiHop &hop = r.hops.at(index);
    CapturedExchange x;
    x.source = kSource;
    x.method = hop.method;
    x.url = hop.url;
    x.requestHeaders = hop.requestHeaders;
    x.status = hop.status;
    x.reason = hop.reason;
    x.responseHeaders = hop.responseHeaders;
    x.httpVersion = hop.httpVersion;
    if (hop.override && hop.status != 0) // Firefox reports the head it was given, not the server's
        markOverridden(*hop.override, false, x);
    x.startedAtMs = hop.startMs;
    // An actual request is announced before its preflight, but leaves after it.
    if (const auto preflight = m_preflights.constFind(hop.preflightId);
        preflight != m_preflights.constEnd())
        x.startedAtMs = std::max(x.startedAtMs, preflight->endedAtMs);
    x.firstByteAtMs = hop.firstByteMs;
    if (last && !r.responseBody.isEmpty()) {
        x.responseBody.stored = r.responseBody.left(m_options.bodyCap);
        x.responseBody.size = r.responseBody.size();
    }
    x.finishedAtMs = std::max(hop.endMs, x.startedAtMs);
    const bool neverSent = last && stoppedAtPreflight(hop);
    if (neverSent)
        x.error = QStringLiteral("not sent: the browser stopped at its preflight");
    else if (!r.cutShort.isEmpty() && last)
        x.error = r.cutShort;
    else if (hop.status == 0)
        x.error = hop.fetchError.isEmpty()
                      ? QStringLiteral("no response reported by the browser")
                      : QStringLiteral("the browser reports %1").arg(hop.fetchError);
    if (!r.preflight) // a preflight's verdict is Firefox's verdict on its request
        x.browserReport = reportOf(r, last, neverSent);
    return x;
}

session::BrowserReport BidiAssembler::reportOf(const BidiRequest &r, bool last,
                                               bool neverSent) const
{
    session::BrowserReport report;
    report.browser = m_options.browser;
    report.notSent = neverSent;
    if (!last)
        return report;
    report.bodyUnavailable = r.bodyUnavailable;
    if (r.blocked) { // a sentence Firefox printed in words not known here still blocked it
        report.corsError = r.blocked->reason.isEmpty() ? kBlockedWithoutReason : r.blocked->reason;
        report.failedParameter = r.blocked->parameter;
    } else if (std::any_of(r.hops.cbegin(), r.hops.cend(), [](const BidiHop &h) {
                   return h.fetchError == kBlockedWithoutReason;
               })) {
        report.corsError = kBlockedWithoutReason; // a worker's request: no console sentence
    }
    return report;
}

} // namespace corslab::attach
