#pragma once

#include "http/http_message.h"

#include <QString>

namespace corslab::proxy {

/// \brief The page the proxy answers with when it cannot get a response from the server: status
/// (400, 502, 504), a title and the reason in plain words, as HTML for a person reading it in the
/// browser, with the reason also in an `X-CorsLab-Error` header for scripts and the capture.
///
/// The page carries no CORS headers on purpose: the browser must see what it would see without
/// the proxy, a failed request, not a response that a script can read.
http::HttpResponse errorPage(int status, const QString &title, const QString &reason,
                             bool closeConnection);

} // namespace corslab::proxy
