#pragma once

#include "http/http_message.h"
#include "session/captured_exchange.h"

namespace corslab::proxy {

/// Who the browser is, as the captures name it.
struct BrowserPeer
{
    QByteArray address; ///< "127.0.0.1"
    quint16 port = 0;
};

/// Appends \a bytes to \a body's stored part while it is under \a cap (the size is kept apart).
void appendCapped(session::CapturedBody &body, QByteArrayView bytes, qsizetype cap);

/// The capture of \a request as the browser sent it, its body stored up to \a cap; starts when
/// its head was complete, or at \a nowMs when that is unknown.
session::CapturedExchange captureRequest(const http::HttpRequest &request, const BrowserPeer &peer,
                                         qsizetype cap, qint64 nowMs);

/// The capture of a request that never completed (unparseable, or cut short by the browser):
/// what is known of it, \a partial may be null.
session::CapturedExchange captureUnfinishedRequest(const http::HttpRequest *partial,
                                                   const BrowserPeer &peer, qint64 nowMs);

/// Fills \a capture's response part with what the proxy answers itself (no body for HEAD).
void captureLocalAnswer(session::CapturedExchange &capture, const http::HttpResponse &response,
                        bool headRequest, qsizetype cap, qint64 nowMs);

} // namespace corslab::proxy
