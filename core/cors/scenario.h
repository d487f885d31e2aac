#pragma once

#include "headers.h"
#include "origin.h"

#include <QList>
#include <QString>
#include <QUrl>
#include <optional>

namespace corslab::cors {

enum class CredentialsMode { Omit, SameOrigin, Include };
enum class RequestMode { Cors, NoCors, SameOrigin };
enum class RedirectMode { Follow, Manual, Error };

/// A response as the server sent it: status and header list (duplicates kept, order kept).
struct ResponseSpec
{
    int status = 200;
    HeaderList headers;
};

/// \brief One cross-origin fetch() and the server's answers to it: what the engine judges.
///
/// `redirects` are the responses before the final one, in order; `preflight` is the server's
/// answer to every CORS-preflight request of this fetch (one per origin/URL the fetch visits).
struct Scenario
{
    QString browser = QStringLiteral("chromium");
    Origin origin;
    QByteArray method = "GET";
    HeaderList headers;
    CredentialsMode credentials = CredentialsMode::SameOrigin;
    RequestMode mode = RequestMode::Cors;
    RedirectMode redirect = RedirectMode::Follow;
    std::optional<ResponseSpec> preflight;
    QList<ResponseSpec> redirects;
    ResponseSpec response;

    /// The request URL; its origin is computed once here because every verdict needs it.
    const QUrl &url() const { return m_url; }
    const Origin &urlOrigin() const { return m_urlOrigin; }
    void setUrl(const QUrl &url)
    {
        m_url = url;
        m_urlOrigin = Origin::fromUrl(url);
    }

private:
    QUrl m_url;
    Origin m_urlOrigin;
};

QString credentialsModeName(CredentialsMode mode);
QString requestModeName(RequestMode mode);
QString redirectModeName(RedirectMode mode);

} // namespace corslab::cors
