#include "background_traffic.h"

#include "base/header_list.h"

#include <algorithm>
#include <optional>

namespace corslab::session {

namespace {

/// How a ServiceHost entry matches a host.
enum class HostMatch : quint8 {
    Exact,     ///< the host itself
    Subdomain, ///< any host under it, not the name itself ("x.googleapis.com")
};

struct ServiceHost
{
    QByteArrayView name; ///< lower case; a view with its size: no strlen() per exchange
    HostMatch match;
};

// The hosts the launched browsers were seen to contact on their own (README, "Less noise from
// launched browsers"), plus their documented neighbours. Keep isBrowserServiceHost()'s brief in
// step.
constexpr ServiceHost kServiceHosts[] = {
    // Google: Chromium's updates, optimization hints, autofill, Safe Browsing (Firefox's too).
    {"googleapis.com", HostMatch::Subdomain},
    {"gvt1.com", HostMatch::Subdomain},
    {"gvt2.com", HostMatch::Subdomain},
    {"clients.google.com", HostMatch::Subdomain},
    {"accounts.google.com", HostMatch::Exact},
    {"dl.google.com", HostMatch::Exact},
    // Mozilla: remote settings, push, location, studies, updates, telemetry, new tab ads.
    {"services.mozilla.com", HostMatch::Subdomain},
    {"mozilla.net", HostMatch::Subdomain},
    {"aus5.mozilla.org", HostMatch::Exact},
    {"ads.mozilla.org", HostMatch::Exact},
    {"services.addons.mozilla.org", HostMatch::Exact},
    {"incoming.telemetry.mozilla.org", HostMatch::Exact},
    {"detectportal.firefox.com", HostMatch::Exact},
};

char folded(char c)
{
    return (c >= 'A' && c <= 'Z') ? char(c | 0x20) : c;
}

bool equalsFolded(QByteArrayView a, QByteArrayView lower)
{
    return a.size() == lower.size() && std::equal(a.begin(), a.end(), lower.begin(),
                                                  [](char x, char y) { return folded(x) == y; });
}

bool matches(QByteArrayView host, const ServiceHost &entry)
{
    const QByteArrayView name = entry.name;
    if (entry.match == HostMatch::Exact)
        return equalsFolded(host, name);
    return host.size() > name.size() + 1 && host[host.size() - name.size() - 1] == '.' &&
           equalsFolded(host.last(name.size()), name);
}

// clients1.google.com ... clients6.google.com: Chromium's network time, variations, updates.
bool isNumberedClientsHost(QByteArrayView host)
{
    constexpr QByteArrayView prefix("clients");
    constexpr QByteArrayView suffix(".google.com");
    if (host.size() <= prefix.size() + suffix.size() ||
        !equalsFolded(host.first(prefix.size()), prefix) ||
        !equalsFolded(host.last(suffix.size()), suffix))
        return false;
    const QByteArrayView digits =
        host.sliced(prefix.size(), host.size() - prefix.size() - suffix.size());
    return std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// The host of an absolute URL ("https://user@Host:443/x" -> "Host"), empty when none.
QByteArrayView hostOfUrl(QByteArrayView url)
{
    const qsizetype scheme = url.indexOf("://");
    if (scheme < 0)
        return {};
    QByteArrayView authority = url.sliced(scheme + 3);
    const auto end = std::find_if(authority.begin(), authority.end(),
                                  [](char c) { return c == '/' || c == '?' || c == '#'; });
    authority = authority.first(end - authority.begin());
    if (const qsizetype at = authority.lastIndexOf('@'); at >= 0)
        authority = authority.sliced(at + 1);
    if (authority.startsWith('[')) // an IPv6 literal is never a service host
        return {};
    if (const qsizetype colon = authority.indexOf(':'); colon >= 0)
        authority = authority.first(colon);
    return authority;
}

/// Whether a request was made by a page or the user: an Origin, a page's Sec-Fetch-Site, or a
/// navigation.
bool hasPageContext(const base::HeaderList &headers)
{
    if (base::getHeader(headers, "origin"))
        return true;
    if (const std::optional<QByteArray> site = base::getHeader(headers, "sec-fetch-site");
        site && !equalsFolded(site->trimmed(), "none"))
        return true;
    if (base::getHeader(headers, "sec-fetch-user"))
        return true;
    const QByteArray mode =
        base::getHeader(headers, "sec-fetch-mode").value_or(QByteArray()).trimmed();
    return equalsFolded(mode, "navigate") || equalsFolded(mode, "nested-navigate");
}

} // namespace

bool isBrowserServiceHost(QByteArrayView host)
{
    if (host.endsWith('.')) // the fully qualified spelling names the same host
        host.chop(1);
    if (isNumberedClientsHost(host))
        return true;
    return std::any_of(std::begin(kServiceHosts), std::end(kServiceHosts),
                       [host](const ServiceHost &entry) { return matches(host, entry); });
}

bool isBrowserBackgroundTraffic(const CapturedExchange &exchange)
{
    if (exchange.type == CapturedExchange::Type::Tunnel)
        return isBrowserServiceHost(exchange.tunnel.host);
    // The host first: it rules out nearly every exchange without reading a header.
    return isBrowserServiceHost(hostOfUrl(exchange.url)) &&
           !hasPageContext(exchange.requestHeaders);
}

} // namespace corslab::session
