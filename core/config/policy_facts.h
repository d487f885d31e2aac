#pragma once

#include "policy/cors_policy.h"

#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>
#include <optional>

namespace corslab::config {

using OriginMode = policy::CorsPolicy::OriginMode;
using ListMode = policy::CorsPolicy::ListMode;

/// One list of the policy (methods or headers): how it is sent, and the names of List mode.
struct ListFacts
{
    ListMode mode = ListMode::None;
    QStringList names;
};

/// What Access-Control-Max-Age the policy asks for. Zero and below are one case: most frameworks
/// send no header for them, so browsers fall back to their default.
enum class MaxAge { Unset, NotCached, Seconds };

/// Whether the policy answers a CORS preflight at all (false: 404, like an app with no OPTIONS).
enum class Preflight { Answered, Unanswered };

/// \brief The policy as every generator reads it, worked out once: placeholders resolved, modes
/// named, and the questions several targets ask (does the answer depend on the Origin? which
/// status does a preflight get?) answered here rather than in each generator.
struct PolicyFacts
{
    QString name;
    OriginMode origin = OriginMode::None;
    QStringList allowlist; ///< the allowed origins, placeholders replaced by the demo origins
    QString pattern;       ///< Pattern mode: a regular expression, used as written
    bool credentials = false;
    /// `*` with credentials: the frameworks that refuse it leave the credentials out.
    bool wildcardWithCredentials = false;
    /// Echo, Allowlist or Pattern: the answer depends on the Origin, so caches need Vary.
    bool originDependent = false;
    ListFacts methods;
    ListFacts headers;
    QStringList expose;
    MaxAge maxAge = MaxAge::Unset;
    int maxAgeSeconds = 0; ///< the policy's value when maxAge is not Unset
    bool vary = true;
    Preflight preflight = Preflight::Answered;
    int statusSetting = 204;   ///< the policy's preflight status, also when it is unanswered
    int preflightStatus = 204; ///< the status preflights get: statusSetting, or 404 unanswered
    QList<QPair<QString, QString>> extraHeaders; ///< sent verbatim on every response

    bool answersPreflight() const { return preflight == Preflight::Answered; }
    /// The status setting is a 2xx, which browsers accept for a preflight.
    bool statusIsOk() const { return statusSetting >= 200 && statusSetting <= 299; }
    /// A framework that always answers preflights with \a status needs its own hook to answer as
    /// the policy does.
    bool needsStatusHook(int status) const
    {
        return !answersPreflight() || statusSetting != status;
    }

    static PolicyFacts of(const policy::CorsPolicy &policy, const policy::DemoOrigins &origins);
};

} // namespace corslab::config
