#pragma once

#include "base/header_list.h"
#include "http/http_message.h"
#include "proxy/override_rules.h"
#include "session/captured_exchange.h"

#include <QByteArray>
#include <QString>
#include <optional>

namespace corslab::attach {

/// An override rule applied to one hop of a request inside the browser ("Apply in browser":
/// FetchOverrides for Chromium, BidiOverrides for Firefox): what the browser got instead of what
/// the server sent.
struct AppliedOverride
{
    QByteArray method;
    QByteArray url; ///< the hop's URL: each hop of a redirect is paused, and overridden, alone
    QString rule;   ///< the rule's name
    /// A preflight answered before it was sent: the server never saw it.
    bool answeredLocally = false;
    int status = 0; ///< what the browser got
    base::HeaderList headers;
    int upstreamStatus = 0; ///< what the server sent (0 when answered locally)
    base::HeaderList upstreamHeaders;
};

/// A rule's host glob split at its port: "localhost:8080" -> "localhost", "8080"; "[::1]:8080"
/// -> "[::1]", "8080"; without a port, \a port is empty.
void splitHostGlob(const QString &glob, QString *host, QString *port);

/// A request the browser paused, as the proxy's rules read it: its method, absolute URL and
/// headers, and the host (with the port it goes to) and path the rules match on.
struct PausedRequest
{
    http::HttpRequest request;
    QByteArray host;
    QByteArray path;
};

/// The paused request of \a method \a url; nullopt when the URL is not http(s), which no rule
/// decides.
std::optional<PausedRequest> pausedRequest(const QByteArray &method, const QByteArray &url,
                                           const base::HeaderList &headers);

/// The answer a rule gives \a paused before it is sent (a preflight of a rule that answers
/// preflights, OverrideSet::localPreflightAnswer); nullopt when it goes to the server.
std::optional<AppliedOverride> localPreflightAnswer(const proxy::OverrideSet &rules,
                                                    const PausedRequest &paused);

/// What the browser gets instead of the server's \a serverStatus and \a serverHeaders
/// (OverrideSet::applyToResponse); nullopt when no rule changes them.
std::optional<AppliedOverride> changedResponse(const proxy::OverrideSet &rules,
                                               const PausedRequest &paused, int serverStatus,
                                               const base::HeaderList &serverHeaders);

/// What the user is told when the browser refused the change \a applied with \a error: the
/// request then went on unchanged.
QString refusedOverrideMessage(const AppliedOverride &applied, const QString &error);

/// \a rules without rules()[\a index]; nullopt when there is no such rule.
std::optional<proxy::OverrideSet> withoutRule(const proxy::OverrideSet &rules, qsizetype index);

/// Marks \a x overridden by \a applied: what the browser got replaces what the server sent, which
/// is kept as the upstream answer (as the proxy records an overridden exchange). \a serverSeen:
/// x already holds the server's own status and headers (they become the upstream answer), not
/// the overridden ones.
void markOverridden(const AppliedOverride &applied, bool serverSeen, session::CapturedExchange &x);

} // namespace corslab::attach
