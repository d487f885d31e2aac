#pragma once

#include "http/http_message.h"

#include <QDateTime>
#include <QList>
#include <QUrl>
#include <optional>

namespace corslab::client {

/// \brief The composer's cookie store (RFC 6265 §5.3 storage, §5.4 retrieval): host-only and
/// Domain cookies, Path, Secure, Expires and Max-Age (Max-Age wins; 0 or less deletes).
///
/// Which requests may carry or set cookies at all (credentials mode, SameSite, third-party
/// blocking) is BrowserClient's decision; this class only keeps them. The registrable domain is
/// not checked against the Public Suffix List (CORS Lab talks to loopback and test hosts).
class CookieJar
{
public:
    /// Stores the cookies of every `Set-Cookie` field in \a responseHeaders, received from
    /// \a url at \a now. Cookies the URL may not set (another domain, Secure over http) are
    /// ignored, as browsers ignore them.
    void storeFromResponse(const base::HeaderList &responseHeaders, const QUrl &url,
                           const QDateTime &now);
    /// The `Cookie` header value for \a url at \a now ("a=1; b=2", longest path first), or an
    /// empty array when no cookie matches.
    QByteArray cookieHeaderFor(const QUrl &url, const QDateTime &now) const;

    void clear() { m_cookies.clear(); }
    /// Cookies stored, expired ones not yet dropped included.
    qsizetype size() const { return m_cookies.size(); }

private:
    struct Cookie
    {
        QByteArray name;
        QByteArray value;
        QByteArray domain; ///< lowercase, no leading dot
        bool hostOnly = true;
        QByteArray path;
        bool secure = false;
        std::optional<QDateTime> expires; ///< none: a session cookie
        quint64 created = 0;              ///< order of creation, for the Cookie header's order
    };
    void store(const QByteArray &setCookie, const QUrl &url, const QDateTime &now);

    QList<Cookie> m_cookies;
    quint64 m_nextCreated = 0;
};

} // namespace corslab::client
