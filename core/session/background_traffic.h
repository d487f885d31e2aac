#pragma once

#include "captured_exchange.h"

#include <QByteArrayView>

namespace corslab::session {

/// Whether \a host (any case, no port) is one of the browser vendors' service hosts that
/// browsers contact on their own:
///
/// - Google (Chromium, and Firefox's Safe Browsing and media plugins): `*.googleapis.com`
///   (update, optimizationguide-pa, content-autofill, safebrowsing...), `*.gvt1.com`,
///   `*.gvt2.com`, `clients<N>.google.com`, `*.clients.google.com`, `accounts.google.com`,
///   `update.googleapis.com`, `dl.google.com`;
/// - Mozilla (Firefox): `*.services.mozilla.com` (remote settings, push, location...),
///   `*.cdn.mozilla.net`, `*.mozilla.net`, `aus5.mozilla.org`, `ads.mozilla.org`,
///   `services.addons.mozilla.org`, `detectportal.firefox.com`, `incoming.telemetry.mozilla.org`.
///
/// Pages use some of these hosts too (a map tile, a font): the host alone never decides, see
/// isBrowserBackgroundTraffic().
bool isBrowserServiceHost(QByteArrayView host);

/// \brief Whether \a exchange is the browser's own background traffic (updates, Safe Browsing,
/// sync, telemetry...), which views hide by default: a request to a service host
/// (isBrowserServiceHost()) with no page context, or a CONNECT tunnel to one.
///
/// No page context: no Origin header, and Sec-Fetch-Site absent or "none" (what a browser sends
/// for requests no page made). A page's request to the same host carries an Origin or a
/// Sec-Fetch-Site of its own and stays visible; so does a navigation (Sec-Fetch-Mode navigate,
/// Sec-Fetch-User), which the user asked for. An opaque tunnel carries no such headers: one to
/// a service host counts as background (a page's fetch to such a host inside it is hidden with
/// it until the list shows background traffic, or interception shows the request itself).
bool isBrowserBackgroundTraffic(const CapturedExchange &exchange);

} // namespace corslab::session
