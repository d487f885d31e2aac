#include "cors_policy.h"

#include "base/json_reader.h"
#include "shared_hosting.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <cmath>

namespace corslab::policy {

namespace {

QString joinList(const QStringList &list)
{
    return list.join(QStringLiteral(", "));
}

const QList<QPair<QString, CorsPolicy::OriginMode>> kOriginModes = {
    {QStringLiteral("none"), CorsPolicy::OriginMode::None},
    {QStringLiteral("wildcard"), CorsPolicy::OriginMode::Wildcard},
    {QStringLiteral("echo"), CorsPolicy::OriginMode::Echo},
    {QStringLiteral("allowlist"), CorsPolicy::OriginMode::Allowlist},
    {QStringLiteral("pattern"), CorsPolicy::OriginMode::Pattern}};

const QList<QPair<QString, CorsPolicy::ListMode>> kListModes = {
    {QStringLiteral("none"), CorsPolicy::ListMode::None},
    {QStringLiteral("list"), CorsPolicy::ListMode::List},
    {QStringLiteral("wildcard"), CorsPolicy::ListMode::Wildcard},
    {QStringLiteral("echo"), CorsPolicy::ListMode::Echo}};

} // namespace

QString originModeName(CorsPolicy::OriginMode mode)
{
    for (const auto &m : kOriginModes) {
        if (m.second == mode)
            return m.first;
    }
    return {};
}

QString listModeName(CorsPolicy::ListMode mode)
{
    for (const auto &m : kListModes) {
        if (m.second == mode)
            return m.first;
    }
    return {};
}

QByteArray DemoOrigins::resolve(const QString &text) const
{
    QByteArray out = text.toUtf8();
    out.replace("{api}", api).replace("{app}", app).replace("{evil}", evil);
    return out;
}

QList<CorsPolicy> CorsPolicy::presets()
{
    QList<CorsPolicy> list;
    {
        CorsPolicy p; // anyone may read public data; no cookies involved
        p.name = QStringLiteral("Open public API");
        p.allowOrigin = OriginMode::Wildcard;
        p.allowedOrigins.clear();
        p.allowMethods = ListMode::List;
        p.methods = {QStringLiteral("GET"), QStringLiteral("POST"), QStringLiteral("PUT"),
                     QStringLiteral("PATCH"), QStringLiteral("DELETE")};
        p.allowHeaders = ListMode::Wildcard;
        p.headers.clear();
        p.exposeHeaders = {QStringLiteral("X-Total-Count")};
        p.maxAge = 600;
        p.varyOrigin = false;
        list << p;
    }
    {
        CorsPolicy p; // the right way to share a cookie-protected API with one front end
        p.name = QStringLiteral("Credentialed allowlist");
        p.allowOrigin = OriginMode::Allowlist;
        p.allowedOrigins = {QStringLiteral("{app}")};
        p.allowCredentials = true;
        p.methods = {QStringLiteral("GET"), QStringLiteral("POST"), QStringLiteral("PUT"),
                     QStringLiteral("DELETE")};
        p.headers = {QStringLiteral("Content-Type"), QStringLiteral("X-Requested-With")};
        p.exposeHeaders = {QStringLiteral("X-Total-Count")};
        p.maxAge = 600;
        list << p;
    }
    {
        CorsPolicy p; // a server that knows nothing of CORS
        p.name = QStringLiteral("No CORS");
        p.allowOrigin = OriginMode::None;
        p.allowedOrigins.clear();
        p.allowMethods = ListMode::None;
        p.methods.clear();
        p.allowHeaders = ListMode::None;
        p.headers.clear();
        p.varyOrigin = false;
        p.answerPreflight = false;
        list << p;
    }
    {
        CorsPolicy p; // misconfiguration: copies any Origin and allows cookies
        p.name = QStringLiteral("Misconfigured: reflect any origin with credentials");
        p.allowOrigin = OriginMode::Echo;
        p.allowedOrigins.clear();
        p.allowCredentials = true;
        p.allowMethods = ListMode::Echo;
        p.methods.clear();
        p.allowHeaders = ListMode::Echo;
        p.headers.clear();
        list << p;
    }
    {
        CorsPolicy p; // misconfiguration: "*" plus credentials, which browsers refuse
        p.name = QStringLiteral("Misconfigured: wildcard with credentials");
        p.allowOrigin = OriginMode::Wildcard;
        p.allowedOrigins.clear();
        p.allowCredentials = true;
        p.allowHeaders = ListMode::Wildcard;
        p.headers.clear();
        p.varyOrigin = false;
        list << p;
    }
    {
        CorsPolicy p; // misconfiguration: a regular expression without anchors
        p.name = QStringLiteral("Misconfigured: unanchored origin pattern");
        p.allowOrigin = OriginMode::Pattern;
        p.allowedOrigins.clear();
        p.originPattern = QStringLiteral("localhost");
        p.allowCredentials = true;
        list << p;
    }
    {
        CorsPolicy p; // misconfiguration: trusts "null", i.e. any sandboxed iframe
        p.name = QStringLiteral("Misconfigured: null origin trusted");
        p.allowOrigin = OriginMode::Allowlist;
        p.allowedOrigins = {QStringLiteral("{app}"), QStringLiteral("null")};
        p.allowCredentials = true;
        list << p;
    }
    // The flaws `corslab-cli audit` finds (docs/audit.md), each as a real project writes it. The
    // demo app's origin stays trusted; the production-like origin https://app.example.com is
    // the one to audit with where the flaw needs dots or https.
    const auto credentialedPattern = [](const char *name, const char *pattern) {
        CorsPolicy p;
        p.name = QString::fromLatin1(name);
        p.allowOrigin = OriginMode::Pattern;
        p.allowedOrigins.clear();
        p.originPattern = QString::fromLatin1(pattern);
        p.allowCredentials = true;
        return p;
    };
    list << credentialedPattern("Misconfigured: origin prefix check", "^http://localhost")
         << credentialedPattern("Misconfigured: origin suffix check", "localhost(:\\d+)?$")
         << credentialedPattern("Misconfigured: any subdomain trusted",
                                "^http://([a-z0-9-]+\\.)?localhost(:\\d+)?$")
         << credentialedPattern("Misconfigured: unescaped dot in origin pattern",
                                "^(http://localhost:\\d+|https://app.example.com)$")
         << credentialedPattern("Misconfigured: http origin trusted",
                                "^(http://localhost:\\d+|https?://app\\.example\\.com)$")
         << credentialedPattern("Misconfigured: special characters after the host",
                                "^(http://localhost:\\d+|https://app\\.example\\.com([^.][^/]*)?)$")
         << credentialedPattern("Misconfigured: shared hosting trusted",
                                "^(http://localhost:\\d+|https://[a-z0-9-]+\\.github\\.io)$");
    {
        CorsPolicy p; // misconfiguration: the answer depends on Origin, caches are not told
        p.name = QStringLiteral("Misconfigured: Vary: Origin missing");
        p.allowCredentials = true;
        p.varyOrigin = false;
        list << p;
    }
    {
        CorsPolicy p; // misconfiguration: the preflight echoes whatever it is asked
        p.name = QStringLiteral("Misconfigured: preflight echoes any method and header");
        p.allowCredentials = true;
        p.allowMethods = ListMode::Echo;
        p.methods.clear();
        p.allowHeaders = ListMode::Echo;
        p.headers.clear();
        list << p;
    }
    {
        CorsPolicy p; // misconfiguration: OPTIONS hits the authentication layer
        p.name = QStringLiteral("Misconfigured: preflight rejected (401)");
        p.allowCredentials = true;
        p.preflightStatus = 401;
        list << p;
    }
    return list;
}

std::optional<CorsPolicy> CorsPolicy::preset(const QString &name)
{
    for (const CorsPolicy &p : presets()) {
        if (p.name.compare(name, Qt::CaseInsensitive) == 0)
            return p;
    }
    return std::nullopt;
}

QStringList CorsPolicy::presetNames()
{
    QStringList names;
    for (const CorsPolicy &p : presets())
        names << p.name;
    return names;
}

// What an origin pattern lets in besides the origins it names: any subdomain, plain HTTP,
// shared hosting (the same flaws `corslab-cli audit` probes for).
// The host names a pattern spells out with escaped dots ("app\\.example\\.com").
static QStringList literalHosts(const QString &pattern)
{
    static const QRegularExpression host(QStringLiteral(R"([a-z0-9-]+(\\\.[a-z0-9-]+)+)"),
                                         QRegularExpression::CaseInsensitiveOption);
    QStringList hosts;
    for (const QRegularExpressionMatch &m : host.globalMatch(pattern))
        hosts << m.captured().remove(QLatin1Char('\\'));
    return hosts;
}

// A named host followed by '_' passes where a dot does not: the check stops at dots only.
static void appendSpecialCharacterDanger(const QString &pattern, const QRegularExpression &re,
                                         QStringList *out)
{
    for (const QString &h : literalHosts(pattern)) {
        for (const QString &scheme : {QStringLiteral("https://"), QStringLiteral("http://")}) {
            const QString special = scheme + h + QStringLiteral("_.corslab-attacker.test");
            const QString dotted = scheme + h + QStringLiteral(".corslab-attacker.test");
            if (re.match(special).hasMatch() && !re.match(dotted).hasMatch()) {
                *out << QStringLiteral("Dangerous: the origin pattern accepts characters such as "
                                       "'_' after the host ('%1'), which browsers keep in host "
                                       "names.")
                            .arg(special);
                return;
            }
        }
    }
}

static void appendPatternReachDangers(const QString &pattern, const QRegularExpression &re,
                                      QStringList *out)
{
    appendSpecialCharacterDanger(pattern, re, out);
    // A label wildcard right before an escaped dot: "[a-z0-9-]+\.", "(.*\.)?".
    static const QRegularExpression anyLabel(QStringLiteral(R"((\]|\.)[+*]\)?\\\.)"));
    if (anyLabel.match(pattern).hasMatch())
        *out << QStringLiteral("Dangerous: the origin pattern accepts any subdomain: a subdomain "
                               "takeover or a cross-site scripting flaw on any of them reads the "
                               "API.");
    if (pattern.contains(QLatin1String("https?")))
        *out << QStringLiteral("Dangerous: the origin pattern also accepts the http:// version of "
                               "an https:// origin: a network attacker injects a script there.");
    for (const QByteArray &suffix : commonSharedHostingSuffixes()) {
        if (re.match(QStringLiteral("https://attacker.") + QLatin1String(suffix)).hasMatch()) {
            *out << QStringLiteral("Dangerous: the origin pattern accepts pages on shared hosting "
                                   "(%1), where anyone can publish.")
                        .arg(QLatin1String(suffix));
            break;
        }
    }
}

QStringList CorsPolicy::dangers() const
{
    QStringList out;
    const bool originDependent = allowOrigin == OriginMode::Echo ||
                                 allowOrigin == OriginMode::Allowlist ||
                                 allowOrigin == OriginMode::Pattern;
    if (allowOrigin == OriginMode::Echo && allowCredentials)
        out << QStringLiteral(
            "Dangerous: the server copies any Origin into "
            "Access-Control-Allow-Origin and allows credentials, so every website "
            "can read your users' private data with their cookies.");
    if (allowOrigin == OriginMode::Wildcard && allowCredentials)
        out << QStringLiteral("Broken: browsers refuse 'Access-Control-Allow-Origin: *' on "
                              "credentialed requests; only requests without cookies work.");
    if (allowOrigin == OriginMode::Allowlist && allowedOrigins.contains(QStringLiteral("null")))
        out << QStringLiteral("Dangerous: 'null' is allowed. Any site can send 'Origin: null' from "
                              "a sandboxed iframe or a data: URL.");
    if (allowOrigin == OriginMode::Pattern) {
        const QRegularExpression re(originPattern);
        if (!re.isValid()) {
            out << QStringLiteral(
                       "Broken: the origin pattern is not a valid regular expression (%1).")
                       .arg(re.errorString());
        } else {
            if (!originPattern.startsWith(QLatin1Char('^')) ||
                !originPattern.endsWith(QLatin1Char('$')))
                out << QStringLiteral(
                    "Dangerous: the origin pattern is not anchored with ^ and $, so it "
                    "matches anywhere in the Origin: an attacker's "
                    "'http://localhost.evil.test' or 'http://evil.test/?localhost' passes.");
            static const QRegularExpression unescapedDot(QStringLiteral("(^|[^\\\\])\\.[^*+?]"));
            // A dot inside a character class ("[^.]") is literal.
            static const QRegularExpression characterClass(QStringLiteral(R"(\[[^\]]*\])"));
            if (unescapedDot.match(QString(originPattern).remove(characterClass)).hasMatch())
                out << QStringLiteral(
                    "Dangerous: the origin pattern has an unescaped '.', which matches "
                    "any character ('api.example.com' also matches 'apiXexample.com').");
            appendPatternReachDangers(originPattern, re, &out);
            if (re.match(QStringLiteral("null")).hasMatch())
                out << QStringLiteral("Dangerous: the origin pattern matches 'null'.");
            if (re.match(QStringLiteral("http://evil.test")).hasMatch() ||
                re.match(QStringLiteral("https://evil.test")).hasMatch())
                out << QStringLiteral("Dangerous: the origin pattern matches an unrelated origin "
                                      "('http://evil.test').");
        }
    }
    if (allowCredentials && allowMethods == ListMode::Wildcard)
        out << QStringLiteral("Broken: 'Access-Control-Allow-Methods: *' is a literal name for "
                              "credentialed requests.");
    if (allowCredentials && allowHeaders == ListMode::Wildcard)
        out << QStringLiteral("Broken: 'Access-Control-Allow-Headers: *' is a literal name for "
                              "credentialed requests.");
    if (allowCredentials && (allowMethods == ListMode::Echo || allowHeaders == ListMode::Echo))
        out << QStringLiteral("Dangerous: the preflight grants whatever method or header it is "
                              "asked for, also to credentialed requests, instead of the ones the "
                              "API serves.");
    if (!answerPreflight)
        out << QStringLiteral("Broken: OPTIONS is answered 404, so every request that needs a "
                              "preflight fails.");
    else if (preflightStatus < 200 || preflightStatus > 299)
        out << QStringLiteral("Broken: the preflight answers %1; browsers need a 2xx status.")
                   .arg(preflightStatus);
    if (originDependent && !varyOrigin)
        out << QStringLiteral(
            "Broken: Access-Control-Allow-Origin depends on the request's Origin but "
            "'Vary: Origin' is off, so a shared cache may serve one origin's answer "
            "to another.");
    if (maxAge && *maxAge > 7200)
        out << QStringLiteral("Note: Chromium caps Access-Control-Max-Age at 7200 s (Firefox at "
                              "86400 s).");
    return out;
}

CompiledPolicy::CompiledPolicy(CorsPolicy policy, const DemoOrigins &origins)
    : m_policy(std::move(policy))
{
    for (const QString &allowed : m_policy.allowedOrigins)
        m_allowlist.append(origins.resolve(allowed));
    if (m_policy.allowOrigin == CorsPolicy::OriginMode::Pattern)
        m_pattern = QRegularExpression(m_policy.originPattern);
    if (!m_policy.methods.isEmpty())
        m_methods = joinList(m_policy.methods).toUtf8();
    if (!m_policy.headers.isEmpty())
        m_headers = joinList(m_policy.headers).toUtf8();
    m_expose = joinList(m_policy.exposeHeaders).toUtf8();
    if (m_policy.maxAge)
        m_maxAge = QByteArray::number(*m_policy.maxAge);
}

PolicyAnswer CompiledPolicy::answer(const std::optional<QByteArray> &origin,
                                    const QByteArray &method,
                                    const std::optional<QByteArray> &requestedMethod,
                                    const std::optional<QByteArray> &requestedHeaders) const
{
    const CorsPolicy &p = m_policy;
    PolicyAnswer a;
    a.isPreflight = method == "OPTIONS" && requestedMethod.has_value();
    if (a.isPreflight && !p.answerPreflight) {
        a.status = 404;
        a.headers = p.extraHeaders;
        return a;
    }
    a.headers.reserve(6 + p.extraHeaders.size());
    std::optional<QByteArray> allowOrigin;
    switch (p.allowOrigin) {
    case CorsPolicy::OriginMode::None:
        break;
    case CorsPolicy::OriginMode::Wildcard:
        allowOrigin = QByteArrayLiteral("*");
        break;
    case CorsPolicy::OriginMode::Echo:
        allowOrigin = origin;
        break;
    case CorsPolicy::OriginMode::Allowlist:
        if (origin && m_allowlist.contains(*origin))
            allowOrigin = origin;
        break;
    case CorsPolicy::OriginMode::Pattern:
        // Used exactly as written, without implicit anchors: that is how the classic
        // misconfiguration behaves, and dangers() says so.
        if (origin && m_pattern.match(QString::fromUtf8(*origin)).hasMatch())
            allowOrigin = origin;
        break;
    }
    if (allowOrigin)
        a.headers.append({QByteArrayLiteral("Access-Control-Allow-Origin"), *allowOrigin});
    if (p.allowCredentials)
        a.headers.append(
            {QByteArrayLiteral("Access-Control-Allow-Credentials"), QByteArrayLiteral("true")});
    if (p.varyOrigin)
        a.headers.append({QByteArrayLiteral("Vary"), QByteArrayLiteral("Origin")});
    if (a.isPreflight) {
        a.status = p.preflightStatus;
        auto list = [](CorsPolicy::ListMode mode, const std::optional<QByteArray> &joined,
                       const std::optional<QByteArray> &requested) -> std::optional<QByteArray> {
            switch (mode) {
            case CorsPolicy::ListMode::None:
                return std::nullopt;
            case CorsPolicy::ListMode::List:
                return joined;
            case CorsPolicy::ListMode::Wildcard:
                return QByteArrayLiteral("*");
            case CorsPolicy::ListMode::Echo:
                return requested;
            }
            return std::nullopt;
        };
        if (const auto m = list(p.allowMethods, m_methods, requestedMethod))
            a.headers.append({QByteArrayLiteral("Access-Control-Allow-Methods"), *m});
        if (const auto h = list(p.allowHeaders, m_headers, requestedHeaders))
            a.headers.append({QByteArrayLiteral("Access-Control-Allow-Headers"), *h});
        if (p.maxAge)
            a.headers.append({QByteArrayLiteral("Access-Control-Max-Age"), m_maxAge});
    } else if (!m_expose.isEmpty()) {
        a.headers.append({QByteArrayLiteral("Access-Control-Expose-Headers"), m_expose});
    }
    // Extra headers replace nothing: they are added, so duplicates reproduce broken servers.
    a.headers.append(p.extraHeaders);
    return a;
}

PolicyAnswer answerFor(const CorsPolicy &p, const DemoOrigins &origins,
                       const std::optional<QByteArray> &origin, const QByteArray &method,
                       const std::optional<QByteArray> &requestedMethod,
                       const std::optional<QByteArray> &requestedHeaders)
{
    return CompiledPolicy(p, origins).answer(origin, method, requestedMethod, requestedHeaders);
}

// --- JSON -------------------------------------------------------------------------------------

QJsonObject CorsPolicy::toJson() const
{
    QJsonArray extra;
    for (const auto &h : extraHeaders)
        extra.append(QJsonArray{QString::fromLatin1(h.first), QString::fromLatin1(h.second)});
    return QJsonObject{
        {QStringLiteral("name"), name},
        {QStringLiteral("allow_origin"),
         QJsonObject{{QStringLiteral("mode"), originModeName(allowOrigin)},
                     {QStringLiteral("origins"), QJsonArray::fromStringList(allowedOrigins)},
                     {QStringLiteral("pattern"), originPattern}}},
        {QStringLiteral("allow_credentials"), allowCredentials},
        {QStringLiteral("allow_methods"),
         QJsonObject{{QStringLiteral("mode"), listModeName(allowMethods)},
                     {QStringLiteral("values"), QJsonArray::fromStringList(methods)}}},
        {QStringLiteral("allow_headers"),
         QJsonObject{{QStringLiteral("mode"), listModeName(allowHeaders)},
                     {QStringLiteral("values"), QJsonArray::fromStringList(headers)}}},
        {QStringLiteral("expose_headers"), QJsonArray::fromStringList(exposeHeaders)},
        {QStringLiteral("max_age"), maxAge ? QJsonValue(*maxAge) : QJsonValue::Null},
        {QStringLiteral("vary_origin"), varyOrigin},
        {QStringLiteral("preflight"), QJsonObject{{QStringLiteral("answer"), answerPreflight},
                                                  {QStringLiteral("status"), preflightStatus}}},
        {QStringLiteral("extra_headers"), extra}};
}

bool CorsPolicy::fromJson(const QJsonObject &json, CorsPolicy *out, QString *error)
{
    base::JsonReader r(error);
    CorsPolicy p;
    if (json.contains(QStringLiteral("name"))) {
        if (!json.value(QStringLiteral("name")).isString())
            return r.fail(QStringLiteral("name"), QStringLiteral("a string"),
                          json.value(QStringLiteral("name")));
        p.name = json.value(QStringLiteral("name")).toString();
    }
    const QJsonValue origin = json.value(QStringLiteral("allow_origin"));
    if (!origin.isUndefined()) {
        if (!origin.isObject())
            return r.fail(
                QStringLiteral("allow_origin"),
                QStringLiteral("an object {\"mode\": ..., \"origins\": [...], \"pattern\": ...}"),
                origin);
        const QJsonObject o = origin.toObject();
        if (!r.choice(o.value(QStringLiteral("mode")), QStringLiteral("allow_origin.mode"),
                      kOriginModes, &p.allowOrigin, true) ||
            !r.strings(o.value(QStringLiteral("origins")), QStringLiteral("allow_origin.origins"),
                       &p.allowedOrigins))
            return false;
        const QJsonValue pattern = o.value(QStringLiteral("pattern"));
        if (!pattern.isUndefined()) {
            if (!pattern.isString())
                return r.fail(QStringLiteral("allow_origin.pattern"),
                              QStringLiteral("a regular expression as a string"), pattern);
            p.originPattern = pattern.toString();
            if (!QRegularExpression(p.originPattern).isValid())
                return r.fail(QStringLiteral("allow_origin.pattern"),
                              QStringLiteral("a valid regular expression"), pattern);
        }
        if (p.allowOrigin == OriginMode::Pattern && p.originPattern.isEmpty())
            return r.fail(QStringLiteral("allow_origin.pattern"),
                          QStringLiteral("a regular expression (mode is \"pattern\")"), pattern);
    }
    const QJsonValue credentials = json.value(QStringLiteral("allow_credentials"));
    if (!credentials.isUndefined()) {
        if (!credentials.isBool())
            return r.fail(QStringLiteral("allow_credentials"), QStringLiteral("true or false"),
                          credentials);
        p.allowCredentials = credentials.toBool();
    }
    for (const auto &[key, modeOut, valuesOut] :
         {std::tuple{QStringLiteral("allow_methods"), &p.allowMethods, &p.methods},
          std::tuple{QStringLiteral("allow_headers"), &p.allowHeaders, &p.headers}}) {
        const QJsonValue v = json.value(key);
        if (v.isUndefined())
            continue;
        if (!v.isObject())
            return r.fail(key, QStringLiteral("an object {\"mode\": ..., \"values\": [...]}"), v);
        if (!r.choice(v.toObject().value(QStringLiteral("mode")), key + QStringLiteral(".mode"),
                      kListModes, modeOut, true) ||
            !r.strings(v.toObject().value(QStringLiteral("values")),
                       key + QStringLiteral(".values"), valuesOut))
            return false;
    }
    if (!r.strings(json.value(QStringLiteral("expose_headers")), QStringLiteral("expose_headers"),
                   &p.exposeHeaders))
        return false;
    const QJsonValue maxAge = json.value(QStringLiteral("max_age"));
    if (maxAge.isNull()) {
        p.maxAge.reset();
    } else if (!maxAge.isUndefined()) {
        const double d = maxAge.toDouble(-1);
        // The range first: converting 1e300 to int would be undefined behaviour.
        if (!maxAge.isDouble() || !(d >= -1 && d <= 1e9) || d != std::floor(d))
            return r.fail(QStringLiteral("max_age"),
                          QStringLiteral("a whole number of seconds or null"), maxAge);
        p.maxAge = int(d);
    }
    const QJsonValue vary = json.value(QStringLiteral("vary_origin"));
    if (!vary.isUndefined()) {
        if (!vary.isBool())
            return r.fail(QStringLiteral("vary_origin"), QStringLiteral("true or false"), vary);
        p.varyOrigin = vary.toBool();
    }
    const QJsonValue preflight = json.value(QStringLiteral("preflight"));
    if (!preflight.isUndefined()) {
        if (!preflight.isObject())
            return r.fail(QStringLiteral("preflight"),
                          QStringLiteral("an object {\"answer\": true, \"status\": 204}"),
                          preflight);
        const QJsonObject o = preflight.toObject();
        const QJsonValue answer = o.value(QStringLiteral("answer"));
        if (!answer.isUndefined()) {
            if (!answer.isBool())
                return r.fail(QStringLiteral("preflight.answer"), QStringLiteral("true or false"),
                              answer);
            p.answerPreflight = answer.toBool();
        }
        const QJsonValue status = o.value(QStringLiteral("status"));
        if (!status.isUndefined()) {
            const double s = status.toDouble(-1);
            if (!status.isDouble() || s != int(s) || s < 100 || s > 599)
                return r.fail(QStringLiteral("preflight.status"),
                              QStringLiteral("an HTTP status code from 100 to 599"), status);
            p.preflightStatus = int(s);
        }
    }
    if (!r.headerList(json.value(QStringLiteral("extra_headers")), QStringLiteral("extra_headers"),
                      &p.extraHeaders))
        return false;
    *out = p;
    return true;
}

bool CorsPolicy::loadFile(const QString &path, CorsPolicy *out, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot open %1: %2").arg(path, file.errorString());
        return false;
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
        *error = QStringLiteral("%1: expected a JSON object (docs/policy.md): %2")
                     .arg(path, parseError.errorString());
        return false;
    }
    QString why;
    if (!fromJson(doc.object(), out, &why)) {
        *error = path + QStringLiteral(": ") + why;
        return false;
    }
    return true;
}

} // namespace corslab::policy
