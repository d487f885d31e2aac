#pragma once

#include "http/http_message.h"
#include "policy/cors_policy.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QJsonDocument>
#include <QList>
#include <QString>
#include <memory>
#include <optional>
#include <vector>

namespace corslab::proxy {

/// \brief One override rule of the intercepting proxy, as the user writes it (docs/proxy-rules.md).
///
/// A rule matches an exchange by host, path and method; the first enabled rule that matches
/// decides everything for that exchange. Its edits run in a fixed order: policy, remove, replace,
/// set, add.
struct OverrideRule
{
    QString name;        ///< shown in the capture; "rule N" when the file gives none
    bool enabled = true; ///< a disabled rule matches nothing
    /// Glob on the host, with an optional port: "api.example.com", "*.example.com",
    /// "localhost:8080", "[::1]:8080", "*". Case-insensitive. Without a port it matches any port.
    QString host = QStringLiteral("*");
    /// Glob on the path without the query: "/api/*" ('*' spans any characters, '/' included).
    QString path = QStringLiteral("*");
    /// Methods of the page's request (case-sensitive tokens); empty: any. A CORS preflight
    /// matches when its Access-Control-Request-Method, or OPTIONS itself, is listed.
    QList<QByteArray> methods;
    /// Replaces the server's CORS answer: its Access-Control-* headers and the Origin token of
    /// Vary are dropped, the policy's answer for this request is used (for a preflight, with the
    /// policy's preflight status).
    std::optional<policy::CorsPolicy> policy;
    /// CORS preflights matching the rule are answered by the proxy, the server never sees them.
    bool answerPreflights = false;
    QList<QByteArray> remove; ///< header names: every field of these names is dropped
    base::HeaderList replace; ///< like `set`, but only for names the response already has
    /// The final values of a name: the first field of that name takes them (in place), the others
    /// are dropped; appended when the response has none. Several entries of one name give
    /// several fields.
    base::HeaderList set;
    base::HeaderList add; ///< appended as written, duplicates kept

    bool operator==(const OverrideRule &other) const = default;
};

/// A response the proxy sends itself (a preflight answered locally) and the rule that made it.
struct OverrideOutcome
{
    http::HttpResponse response; ///< status and headers, Content-Length included when allowed
    QString ruleName;
};

/// \brief A compiled, immutable list of override rules, cheap to copy and safe to read from any
/// thread.
///
/// The proxy calls applyToResponse() for every response on its network thread: with no enabled
/// rule it returns after one branch, and a request that no rule matches allocates nothing.
class OverrideSet
{
public:
    OverrideSet();

    /// Checks and compiles \a rules (globs, header names, policies). On a problem: false with
    /// \a error naming the field as a rules file would ("rules[1].host: expected ...").
    /// \a origins are what the policies' `{api}`, `{app}` and `{evil}` stand for.
    static bool fromRules(const QList<OverrideRule> &rules, const policy::DemoOrigins &origins,
                          OverrideSet *out, QString *error);
    /// Reads a rules file's JSON (docs/proxy-rules.md); errors name the field and the expectation.
    static bool fromJson(const QJsonDocument &json, OverrideSet *out, QString *error,
                         const policy::DemoOrigins &origins = {});
    /// fromJson() of text; invalid JSON is reported with its line and column.
    static bool fromJson(const QByteArray &text, OverrideSet *out, QString *error,
                         const policy::DemoOrigins &origins = {});
    /// fromJson() of a file; errors are prefixed with the file's path.
    static bool loadFile(const QString &path, OverrideSet *out, QString *error,
                         const policy::DemoOrigins &origins = {});
    /// The same rules with the policies' placeholders standing for \a origins.
    OverrideSet withOrigins(const policy::DemoOrigins &origins) const;

    /// The rules file form; fromJson() of it gives equal rules.
    QJsonDocument toJson() const;
    const QList<OverrideRule> &rules() const { return m_rules; }
    /// What the policies' placeholders stand for in this set.
    const policy::DemoOrigins &origins() const { return m_origins; }
    /// True when no rule can change anything (no rules, or all disabled).
    bool isEmpty() const { return !m_compiled; }

    /// The index in rules() of the rule that decides this exchange, or -1. \a host is the URL's
    /// host with the port the request goes to, default ports included ("api.example.com:443",
    /// "[::1]:8080"): a rule written with a port matches only a \a host that carries it. \a path
    /// is the URL's path without the query ("/v1/items"). The same arguments for the two calls
    /// below.
    int matchingRule(const http::HttpRequest &request, QByteArrayView host,
                     QByteArrayView path) const;

    /// When \a request is a CORS preflight (OPTIONS with Origin and Access-Control-Request-Method)
    /// and the rule that decides it answers preflights: the response to send without contacting
    /// the server. Status: the policy's preflight status, or 204 without a policy.
    std::optional<OverrideOutcome> localPreflightAnswer(const http::HttpRequest &request,
                                                        QByteArrayView host,
                                                        QByteArrayView path) const;

    /// Applies the rule that decides this exchange to the server's \a status and \a headers.
    /// Returns true, with \a ruleName set, only when the result differs from what the server sent
    /// (names compared case-insensitively, values per name in order); otherwise nothing is
    /// touched, so a capture marks only real changes.
    bool applyToResponse(const http::HttpRequest &request, QByteArrayView host, QByteArrayView path,
                         int *status, base::HeaderList *headers, QString *ruleName) const;

    struct CompiledRule; ///< implementation detail (override_rules.cpp)

private:
    const CompiledRule *match(const http::HttpRequest &request, QByteArrayView host,
                              QByteArrayView path) const;

    QList<OverrideRule> m_rules;
    policy::DemoOrigins m_origins;
    /// Enabled rules only, in order; null when there is none (the one branch of the fast path).
    std::shared_ptr<const std::vector<CompiledRule>> m_compiled;
};

/// Whether \a text matches \a glob, where '*' stands for any run of characters (none included)
/// and every other character for itself; \a caseInsensitive folds ASCII letters. Allocates
/// nothing.
bool globMatches(QByteArrayView glob, QByteArrayView text, bool caseInsensitive);

} // namespace corslab::proxy
