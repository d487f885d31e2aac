#pragma once
// Shared by the benchmarks: a deterministic stream of what Chromium sends through a proxy while a
// single-page app runs (a page, its API calls, preflights and their actual requests, cache hits,
// images, same-origin calls), and the process's resident memory.
#include "session/captured_exchange.h"

#include <QDateTime>
#include <QFile>
#include <QList>
#include <QTimeZone>
#include <ctime>

namespace corslab::bench {

using session::CapturedExchange;

inline qint64 rssBytes()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong() * 1024;
    }
    return 0;
}

inline QByteArray hex(quint64 v, int width)
{
    return QByteArray::number(v, 16).rightJustified(width, '0');
}

// A deterministic stream of what Chromium 120 sends through a proxy while a single-page app
// runs on https://app.example.com against https://api.example.com.
class Traffic
{
public:
    CapturedExchange next()
    {
        const quint64 i = m_n++;
        m_state = m_state * 6364136223846793005ULL + 1442695040888963407ULL;
        const quint64 r = m_state >> 17;
        CapturedExchange x;
        x.startedAtMs = kStart + qint64(i) * 5;
        x.firstByteAtMs = x.startedAtMs + 3 + qint64(r % 40);
        x.finishedAtMs = x.firstByteAtMs + 1 + qint64(r % 7);
        x.clientAddress = "127.0.0.1";
        x.clientPort = quint16(40000 + (i / 50) % 20000);
        x.upstreamAddress = "93.184.216.34";
        x.upstreamPort = 443;
        x.status = 200;
        x.reason = "OK";
        const int step = int(i % 10);
        const quint64 item = (i / 10) % 5000;
        switch (step) {
        case 0: // the page
            x.method = "GET";
            x.url = "https://app.example.com/items/" + QByteArray::number(item);
            x.requestHeaders = common("document", "navigate", "none", false, true);
            x.responseHeaders = response("text/html; charset=utf-8", false, r);
            break;
        case 5: // the preflight for a PUT
            x.method = "OPTIONS";
            x.url = "https://api.example.com/v1/items/" + QByteArray::number(item);
            x.requestHeaders = {{"Host", "api.example.com"},
                                {"Connection", "keep-alive"},
                                {"Accept", "*/*"},
                                {"Access-Control-Request-Method", "PUT"},
                                {"Access-Control-Request-Headers", "content-type,x-csrf-token"},
                                {"Origin", "https://app.example.com"},
                                {"User-Agent", kUserAgent},
                                {"Sec-Fetch-Mode", "cors"},
                                {"Sec-Fetch-Site", "same-site"},
                                {"Sec-Fetch-Dest", "empty"},
                                {"Referer", "https://app.example.com/"},
                                {"Accept-Encoding", "gzip, deflate, br"},
                                {"Accept-Language", "en-US,en;q=0.9"}};
            x.status = 204;
            x.reason = "No Content";
            x.responseHeaders = {{"Date", date(x.startedAtMs)},
                                 {"Connection", "keep-alive"},
                                 {"Access-Control-Allow-Origin", "https://app.example.com"},
                                 {"Access-Control-Allow-Credentials", "true"},
                                 {"Access-Control-Allow-Methods", "GET, PUT, DELETE"},
                                 {"Access-Control-Allow-Headers", "Content-Type, X-CSRF-Token"},
                                 {"Access-Control-Max-Age", "600"},
                                 {"Vary", "Origin"},
                                 {"X-Request-Id", requestId(r)},
                                 {"Server", "nginx"}};
            break;
        case 6: // its actual request, and 9: the same again, served by the preflight cache
        case 9:
            x.method = "PUT";
            x.url = "https://api.example.com/v1/items/" + QByteArray::number(item);
            x.requestHeaders = common("empty", "cors", "same-site", true, false);
            x.requestHeaders.insert(7, {"Content-Type", "application/json"});
            x.requestHeaders.insert(8, {"X-CSRF-Token", hex(r, 32)});
            x.requestHeaders.insert(2, {"Content-Length", QByteArray::number(40 + r % 60)});
            x.responseHeaders = response("application/json", true, r);
            break;
        case 7: // an image
            x.method = "GET";
            x.url = "https://cdn.example.com/img/" + QByteArray::number(item % 300) + ".webp";
            x.requestHeaders = common("image", "no-cors", "same-site", false, false);
            x.requestHeaders[6].second = "image/avif,image/webp,image/apng,image/*,*/*;q=0.8";
            x.responseHeaders = response("image/webp", false, r);
            break;
        case 8: // a same-origin call
            x.method = "GET";
            x.url = "https://app.example.com/api/me";
            x.requestHeaders = common("empty", "cors", "same-origin", false, true);
            x.responseHeaders = response("application/json", false, r);
            break;
        default: // simple cross-origin GETs with the session cookie
            x.method = "GET";
            x.url = "https://api.example.com/v1/items?page=" + QByteArray::number(step) +
                    "&q=" + QByteArray::number(item);
            x.requestHeaders = common("empty", "cors", "same-site", true, true);
            x.responseHeaders = response("application/json; charset=utf-8", true, r);
            break;
        }
        return x;
    }

private:
    static constexpr qint64 kStart = 1714560000000;
    static constexpr const char *kUserAgent =
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/120.0.0.0 Safari/537.36";

    static base::HeaderList common(const char *dest, const char *mode, const char *site,
                                   bool withOrigin, bool cookie)
    {
        base::HeaderList h = {
            {"Host", "api.example.com"},
            {"Connection", "keep-alive"},
            {"sec-ch-ua", R"("Not_A Brand";v="8", "Chromium";v="120")"},
            {"sec-ch-ua-mobile", "?0"},
            {"User-Agent", kUserAgent},
            {"sec-ch-ua-platform", "\"Linux\""},
            {"Accept", "*/*"},
            {"Sec-Fetch-Site", site},
            {"Sec-Fetch-Mode", mode},
            {"Sec-Fetch-Dest", dest},
            {"Referer", "https://app.example.com/items"},
            {"Accept-Encoding", "gzip, deflate, br"},
            {"Accept-Language", "en-US,en;q=0.9"},
        };
        if (withOrigin)
            h.insert(7, {"Origin", "https://app.example.com"});
        if (cookie)
            h.append(base::HeaderList::value_type(
                "Cookie", "sid=5f2b9c0e4a7d41b3a8e6c1d2f3a4b5c6; theme=dark"));
        return h;
    }
    static QByteArray date(qint64 ms)
    {
        return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc())
            .toString(QStringLiteral("ddd, dd MMM yyyy hh:mm:ss 'GMT'"))
            .toLatin1();
    }
    static QByteArray requestId(quint64 r) { return hex(r, 16) + '-' + hex(r * 31, 16); }
    base::HeaderList response(const QByteArray &type, bool cors, quint64 r)
    {
        if ((m_n & 1023) == 1 || m_date.isEmpty())
            m_date = date(kStart + qint64(m_n) * 5);
        base::HeaderList h = {{"Date", m_date},
                              {"Content-Type", type},
                              {"Content-Length", QByteArray::number(200 + r % 5000)},
                              {"Connection", "keep-alive"},
                              {"Cache-Control", "no-cache"},
                              {"ETag", "W/\"" + hex(r, 8) + "-" + hex(r >> 7, 10) + "\""},
                              {"X-Request-Id", requestId(r)},
                              {"Server", "nginx"}};
        if (cors) {
            h += {{"Access-Control-Allow-Origin", "https://app.example.com"},
                  {"Access-Control-Allow-Credentials", "true"},
                  {"Vary", "Origin"}};
        }
        return h;
    }

    quint64 m_n = 0;
    quint64 m_state = 42;
    QByteArray m_date;
};

inline QList<CapturedExchange> batchOf(Traffic &traffic, qsizetype n)
{
    QList<CapturedExchange> batch;
    batch.reserve(n);
    for (qsizetype i = 0; i < n; ++i)
        batch.append(traffic.next());
    return batch;
}

// CPU time of this thread: the machine may be shared, and wall time then measures the others.
} // namespace corslab::bench
