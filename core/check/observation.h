#pragma once

#include "base/header_list.h"
#include "cors/cors_error.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <optional>

/// What `check` saw for one request under one browser, live or from a recording: the facts a
/// contract case is judged on.
namespace corslab::check {

struct Observation
{
    QString browser;                               ///< the profile's name: "chromium", ...
    bool exposed = false;                          ///< the page could read the response
    cors::CorsError error = cors::CorsError::None; ///< the engine's error when blocked
    QString networkFailure;                        ///< non-empty: no response (DNS, TLS, ...)
    bool preflightSent = false;                    ///< an OPTIONS preflight went on the wire
    QList<QByteArray> readableHeaders;             ///< lower-case names JavaScript can read
    bool varyOrigin = false;                       ///< the response's Vary names Origin (or *)
    std::optional<qint64> preflightMaxAgeSeconds;  ///< the preflight's Access-Control-Max-Age
    QString explanation;                           ///< why, in a sentence (the engine's summary)
    QString fix;                                   ///< the smallest fix, empty when none
};

/// True when the response's `Vary` names `Origin` (or is `*`): caches keep one answer per origin.
bool varyCoversOrigin(const base::HeaderList &responseHeaders);

} // namespace corslab::check
