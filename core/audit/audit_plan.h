#pragma once

#include "check/check_runner.h"
#include "probe_origins.h"

#include <QStringList>
#include <QUrl>
#include <optional>

/// What `audit` sends: the options a user gives and the requests they turn into.
namespace corslab::audit {

/// The most requests an audit sends unless told otherwise (docs/audit.md § polite by default).
inline constexpr int kDefaultMaxRequests = 128;

struct AuditOptions
{
    QUrl target;
    QList<QByteArray> trustedOrigins; ///< serialized; empty: the target's own origin
    QByteArray method = QByteArrayLiteral("GET");
    base::HeaderList headers;
    bool credentials = false; ///< the API is used with credentials: the fix keeps them
    QString sendAs = QStringLiteral("chromium");       ///< whose fetch() writes the probes
    QStringList judgeBrowsers = check::kCheckBrowsers; ///< the profiles findings are judged in
    int maxRequests = kDefaultMaxRequests;
    check::CheckRunner::Options runner;
};

/// Why a request is sent.
enum class ProbeKind {
    Baseline,            ///< the trusted origin's simple request: what a legitimate page gets
    BaselinePreflighted, ///< the trusted origin's preflighted request
    Simple,              ///< a probe origin's simple request
    Preflighted,         ///< a probe origin's preflighted request
    AnyHeader,           ///< the trusted origin asks to send a header nobody allows on purpose
    AnyMethod,           ///< the trusted origin asks for a method nobody serves
};

/// One request of the audit.
struct AuditProbe
{
    ProbeKind kind = ProbeKind::Simple;
    std::optional<ProbeOrigin> probe; ///< for Simple and Preflighted
    client::ComposedRequest request;
};

/// The header the AnyHeader probe asks for, and the method of the AnyMethod probe.
inline constexpr char kProbeHeaderName[] = "X-CorsLab-Audit";
inline constexpr char kProbeMethod[] = "CORSLAB-PROBE";

/// Checks \a options (false with \a error naming the option and what was expected) and fills
/// in the trusted origins when none were given.
bool validateAuditOptions(AuditOptions *options, QString *error);

/// Every request of the audit, in the order they go out: the baseline first.
QList<AuditProbe> planAudit(const AuditOptions &options);

/// The trusted origins of \a options, parsed (validateAuditOptions() has checked them).
QList<cors::Origin> trustedOrigins(const AuditOptions &options);

/// True when \a method is sent without a preflight (GET, HEAD, POST).
bool isSimpleMethod(const QByteArray &method);

} // namespace corslab::audit
