#pragma once

#include "base/header_list.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QPair>
#include <QRegularExpression>
#include <QString>
#include <QStringList>
#include <optional>

namespace corslab::policy {

using base::HeaderList;

/// \brief The playground server's CORS behaviour: one value, changed as a whole.
///
/// Origins in `allowedOrigins` may name the demo origins with placeholders, `{api}`, `{app}` and
/// `{evil}`, so that a policy (and every preset) works whatever ports the server picked.
struct CorsPolicy
{
    enum class OriginMode { None, Wildcard, Echo, Allowlist, Pattern };
    enum class ListMode { None, List, Wildcard, Echo };

    QString name = QStringLiteral("custom");
    OriginMode allowOrigin = OriginMode::Allowlist;
    QStringList allowedOrigins{QStringLiteral("{app}")}; ///< exact origins (Allowlist)
    QString originPattern; ///< a regular expression, used as written (Pattern)
    bool allowCredentials = false;
    ListMode allowMethods = ListMode::List;
    QStringList methods{QStringLiteral("GET"), QStringLiteral("POST"), QStringLiteral("PUT"),
                        QStringLiteral("DELETE")};
    ListMode allowHeaders = ListMode::List;
    QStringList headers{QStringLiteral("Content-Type")};
    QStringList exposeHeaders;
    std::optional<int> maxAge; ///< seconds; no header when unset
    bool varyOrigin = true;
    int preflightStatus = 204;
    bool answerPreflight = true; ///< false: OPTIONS gets 404, like a framework that ignores it
    HeaderList extraHeaders;     ///< added to every response verbatim, to reproduce broken servers

    /// The named presets, in menu order ("Open public API", "Credentialed allowlist", ...).
    static QList<CorsPolicy> presets();
    /// The preset called \a name (case-insensitive), or nullopt.
    static std::optional<CorsPolicy> preset(const QString &name);
    static QStringList presetNames();

    /// Findings about the policy itself: how an attacker gets around it (severity "dangerous")
    /// or what breaks (severity "broken"). Each entry is one sentence.
    QStringList dangers() const;

    QJsonObject toJson() const;
    /// Reads the docs/policy.md shape; false with \a error (field and expectation) for bad input.
    static bool fromJson(const QJsonObject &json, CorsPolicy *out, QString *error);
    /// fromJson() of the file at \a path; errors name the file.
    static bool loadFile(const QString &path, CorsPolicy *out, QString *error);

    bool operator==(const CorsPolicy &other) const = default;
};

/// The demo origins a policy's placeholders stand for.
struct DemoOrigins
{
    QByteArray api;  ///< e.g. http://localhost:8080
    QByteArray app;  ///< same site as the API, another origin: e.g. http://localhost:3000
    QByteArray evil; ///< another site: e.g. http://127.0.0.1:6666
    QByteArray resolve(const QString &text) const;
};

/// What the policy answers to one request: the CORS headers (in the order a server sends them),
/// and for a preflight its status.
struct PolicyAnswer
{
    bool isPreflight = false;
    int status = 200; ///< for a preflight: the policy's preflight status, or 404 when ignored
    HeaderList headers;
};

/// \brief A policy made ready for the network thread: placeholders resolved, lists joined, the
/// pattern compiled, so answering a request only picks prepared byte arrays.
class CompiledPolicy
{
public:
    CompiledPolicy(CorsPolicy policy, const DemoOrigins &origins);

    const CorsPolicy &policy() const { return m_policy; }
    /// See answerFor().
    PolicyAnswer answer(const std::optional<QByteArray> &origin, const QByteArray &method,
                        const std::optional<QByteArray> &requestedMethod,
                        const std::optional<QByteArray> &requestedHeaders) const;

private:
    CorsPolicy m_policy;
    QList<QByteArray> m_allowlist;
    QRegularExpression m_pattern;
    std::optional<QByteArray> m_methods; ///< the List value, joined
    std::optional<QByteArray> m_headers;
    QByteArray m_expose;
    QByteArray m_maxAge;
};

/// Applies \a policy to a request: \a origin is the request's Origin header (nullopt when
/// absent), \a method its method; a CORS preflight is an OPTIONS request carrying
/// Access-Control-Request-Method (\a requestedMethod), with \a requestedHeaders as sent.
PolicyAnswer answerFor(const CorsPolicy &policy, const DemoOrigins &origins,
                       const std::optional<QByteArray> &origin, const QByteArray &method,
                       const std::optional<QByteArray> &requestedMethod,
                       const std::optional<QByteArray> &requestedHeaders);

QString originModeName(CorsPolicy::OriginMode mode);
QString listModeName(CorsPolicy::ListMode mode);

} // namespace corslab::policy
