#include "override_rules.h"

#include "base/header_list.h"
#include "base/json_reader.h"
#include "override_rules_check.h"

#include <algorithm>

namespace corslab::proxy {

namespace {

/// A name of `set` or `replace` with all the values the rule gives it, in order.
struct NamedValues
{
    QByteArray name; ///< as the rule writes it
    QList<QByteArray> values;
};

/// A glob with its literal ends kept apart: most globs are "*.example.com" or "/api/*", so one
/// comparison of an end rejects most texts without walking the glob.
class CompiledGlob
{
public:
    CompiledGlob() = default;
    CompiledGlob(QByteArray glob, bool caseInsensitive)
        : m_glob(std::move(glob)), m_caseInsensitive(caseInsensitive)
    {
        const qsizetype first = m_glob.indexOf('*');
        m_stars = m_glob.count('*');
        m_prefix = first < 0 ? m_glob.size() : first;
        m_suffix = first < 0 ? 0 : m_glob.size() - m_glob.lastIndexOf('*') - 1;
    }
    bool isEmpty() const { return m_glob.isEmpty(); }
    bool matches(QByteArrayView text) const
    {
        if (m_stars == 0)
            return text.size() == m_glob.size() && sameBytes(m_glob, text);
        if (text.size() < m_prefix + m_suffix ||
            !sameBytes(QByteArrayView(m_glob).first(m_prefix), text.first(m_prefix)) ||
            !sameBytes(QByteArrayView(m_glob).last(m_suffix), text.last(m_suffix)))
            return false;
        return m_stars == 1 || globMatches(m_glob, text, m_caseInsensitive);
    }

private:
    bool sameBytes(QByteArrayView a, QByteArrayView b) const
    {
        return m_caseInsensitive ? base::equalsIgnoreCase(a, b) : a == b;
    }

    QByteArray m_glob;
    bool m_caseInsensitive = false;
    qsizetype m_stars = 0;
    qsizetype m_prefix = 0; ///< literal bytes before the first '*'
    qsizetype m_suffix = 0; ///< literal bytes after the last '*'
};

} // namespace

struct OverrideSet::CompiledRule
{
    QString name;
    CompiledGlob hostGlob; ///< case-insensitive, without the port
    CompiledGlob portGlob; ///< empty: any port
    CompiledGlob pathGlob;
    QList<QByteArray> methods;
    std::optional<policy::CompiledPolicy> policy;
    bool answerPreflights = false;
    QList<QByteArray> remove;
    QList<NamedValues> replace;
    QList<NamedValues> set;
    base::HeaderList add;
    int index = 0; ///< in OverrideSet::rules()
};

namespace {

char foldAscii(char c)
{
    return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c;
}

const QByteArray *firstHeader(const base::HeaderList &headers, QByteArrayView name)
{
    for (const auto &header : headers) {
        if (header.first.size() == name.size() && base::equalsIgnoreCase(header.first, name))
            return &header.second;
    }
    return nullptr;
}

/// Fetch's CORS-preflight request as a browser sends it: OPTIONS with Origin and
/// Access-Control-Request-Method (a bare OPTIONS is an ordinary request).
bool isCorsPreflight(const http::HttpRequest &request)
{
    return request.method == "OPTIONS" && firstHeader(request.headers, "Origin") &&
           firstHeader(request.headers, "Access-Control-Request-Method");
}

QList<NamedValues> groupByName(const base::HeaderList &headers)
{
    QList<NamedValues> groups;
    for (const auto &header : headers) {
        const QByteArray &name = header.first; // not a structured binding: clang cannot capture it
        auto it = std::find_if(groups.begin(), groups.end(), [&](const NamedValues &g) {
            return base::equalsIgnoreCase(g.name, name);
        });
        if (it == groups.end())
            groups.append({name, {header.second}});
        else
            it->values.append(header.second);
    }
    return groups;
}

bool isNamed(const base::HeaderList::value_type &header, QByteArrayView name)
{
    return header.first.size() == name.size() && base::equalsIgnoreCase(header.first, name);
}

/// Gives \a name exactly the values of \a group: the first field of that name takes them in
/// place (left as it is when its value is already the first one), the other fields go.
/// Appends them when the list has no such field and \a addWhenAbsent.
void putValues(base::HeaderList *headers, const NamedValues &group, bool addWhenAbsent)
{
    const auto first = std::find_if(headers->begin(), headers->end(),
                                    [&](const auto &h) { return isNamed(h, group.name); });
    if (first == headers->end()) {
        if (addWhenAbsent) {
            for (const QByteArray &value : group.values)
                headers->append({group.name, value});
        }
        return;
    }
    const qsizetype at = first - headers->begin();
    for (qsizetype i = headers->size() - 1; i > at; --i) {
        if (isNamed(headers->at(i), group.name))
            headers->remove(i);
    }
    if (headers->at(at).second != group.values.first())
        (*headers)[at] = {group.name, group.values.first()};
    for (qsizetype i = 1; i < group.values.size(); ++i)
        headers->insert(at + i, {group.name, group.values.at(i)});
}

bool isAccessControlHeader(const QByteArray &name)
{
    constexpr QByteArrayView prefix = "access-control-";
    return name.size() > prefix.size() &&
           base::equalsIgnoreCase(QByteArrayView(name).first(prefix.size()), prefix);
}

QList<QByteArrayView> varyTokens(QByteArrayView value)
{
    QList<QByteArrayView> tokens;
    for (;;) {
        const qsizetype comma = value.indexOf(',');
        const QByteArrayView part = (comma < 0 ? value : value.first(comma)).trimmed();
        if (!part.isEmpty())
            tokens.append(part);
        if (comma < 0)
            return tokens;
        value = value.sliced(comma + 1);
    }
}

/// Drops the Origin token from every Vary field (and a field left empty): a policy without
/// `Vary: Origin` replaces the server's.
void stripVaryOrigin(base::HeaderList *headers)
{
    for (qsizetype i = headers->size() - 1; i >= 0; --i) {
        if (!isNamed(headers->at(i), "Vary"))
            continue;
        const QList<QByteArrayView> tokens = varyTokens(headers->at(i).second);
        const auto isOrigin = [](QByteArrayView t) { return base::equalsIgnoreCase(t, "Origin"); };
        if (std::none_of(tokens.begin(), tokens.end(), isOrigin))
            continue;
        QByteArray kept;
        for (QByteArrayView token : tokens) {
            if (isOrigin(token))
                continue;
            if (!kept.isEmpty())
                kept += ", ";
            kept += token;
        }
        if (kept.isEmpty())
            headers->remove(i);
        else
            (*headers)[i].second = kept;
    }
}

/// Makes the server's own Vary fields (the first \a serverFields) list Origin. False when the
/// server sent no Vary field, so the caller adds one.
bool mergeVaryOrigin(base::HeaderList *headers, qsizetype serverFields)
{
    qsizetype last = -1;
    for (qsizetype i = 0; i < serverFields; ++i) {
        if (isNamed(headers->at(i), "Vary"))
            last = i;
    }
    if (last < 0)
        return false;
    if (http::hasHeaderToken(*headers, "Vary", "Origin") ||
        http::hasHeaderToken(*headers, "Vary", "*")) // "*" already varies on everything
        return true;
    QByteArray &value = (*headers)[last].second;
    value = value.trimmed().isEmpty() ? QByteArrayLiteral("Origin") : value + ", Origin";
    return true;
}

/// Replaces the server's CORS answer (Access-Control-* fields, the Origin token of Vary) by
/// \a policy's answer to \a request, and for a preflight its status.
void applyPolicy(const policy::CompiledPolicy &policy, const http::HttpRequest &request,
                 bool preflight, int *status, base::HeaderList *headers)
{
    headers->removeIf([](const auto &h) { return isAccessControlHeader(h.first); });
    const policy::PolicyAnswer answer =
        policy.answer(request.header("Origin"), request.method,
                      preflight ? request.header("Access-Control-Request-Method") : std::nullopt,
                      preflight ? request.header("Access-Control-Request-Headers") : std::nullopt);
    if (answer.isPreflight)
        *status = answer.status;
    // answer() adds `Vary: Origin` when the policy says so, except for a preflight it ignores.
    const bool policyVaries =
        policy.policy().varyOrigin && !(answer.isPreflight && !policy.policy().answerPreflight);
    if (!policyVaries)
        stripVaryOrigin(headers);
    const qsizetype serverFields = headers->size();
    bool varyDone = !policyVaries;
    for (const auto &header : answer.headers) {
        if (!varyDone && header.second == "Origin" && isNamed(header, "Vary")) {
            varyDone = true;
            if (mergeVaryOrigin(headers, serverFields))
                continue;
        }
        headers->append(header);
    }
}

void applyRule(const OverrideSet::CompiledRule &rule, const http::HttpRequest &request,
               bool preflight, int *status, base::HeaderList *headers)
{
    if (rule.policy)
        applyPolicy(*rule.policy, request, preflight, status, headers);
    for (const QByteArray &name : rule.remove)
        headers->removeIf([&](const auto &h) { return isNamed(h, name); });
    for (const NamedValues &group : rule.replace)
        putValues(headers, group, false);
    for (const NamedValues &group : rule.set)
        putValues(headers, group, true);
    headers->append(rule.add);
}

/// What a browser would read: the same names (case-insensitive) with the same combined values.
/// Field order across names and the split of one name's values into fields do not count.
bool sameFields(const base::HeaderList &a, const base::HeaderList &b)
{
    if (a == b)
        return true;
    const auto covered = [](const base::HeaderList &x, const base::HeaderList &y) {
        return std::all_of(x.begin(), x.end(), [&](const auto &h) {
            return base::getHeader(x, h.first) == base::getHeader(y, h.first);
        });
    };
    return covered(a, b) && covered(b, a);
}

void splitHostPort(QByteArrayView authority, QByteArrayView *host, QByteArrayView *port)
{
    *port = {};
    *host = authority;
    if (authority.startsWith('[')) {
        const qsizetype close = authority.indexOf(']');
        if (close >= 0 && authority.sliced(close + 1).startsWith(':')) {
            *host = authority.first(close + 1);
            *port = authority.sliced(close + 2);
        }
        return;
    }
    const qsizetype colon = authority.indexOf(':');
    if (colon >= 0 && authority.lastIndexOf(':') == colon) {
        *host = authority.first(colon);
        *port = authority.sliced(colon + 1);
    }
}

} // namespace

bool globMatches(QByteArrayView glob, QByteArrayView text, bool caseInsensitive)
{
    // Greedy matching with one backtrack point (the last '*'): linear for typical globs, never
    // worse than glob × text, no recursion, no allocation.
    qsizetype g = 0, t = 0, star = -1, starText = 0;
    while (t < text.size()) {
        if (g < glob.size() && glob[g] == '*') {
            star = g++;
            starText = t;
        } else if (g < glob.size() && (caseInsensitive ? foldAscii(glob[g]) == foldAscii(text[t])
                                                       : glob[g] == text[t])) {
            ++g;
            ++t;
        } else if (star >= 0) {
            g = star + 1;
            t = ++starText;
        } else {
            return false;
        }
    }
    while (g < glob.size() && glob[g] == '*')
        ++g;
    return g == glob.size();
}

OverrideSet::OverrideSet() = default;

bool OverrideSet::fromRules(const QList<OverrideRule> &rules, const policy::DemoOrigins &origins,
                            OverrideSet *out, QString *error)
{
    base::JsonReader reader(error);
    OverrideSet set;
    set.m_rules = rules;
    set.m_origins = origins;
    auto compiled = std::make_shared<std::vector<CompiledRule>>();
    for (qsizetype i = 0; i < set.m_rules.size(); ++i) {
        OverrideRule &rule = set.m_rules[i];
        const QString at = QStringLiteral("rules[%1]").arg(i);
        if (!checkRule(rule, at, &reader))
            return false;
        if (rule.name.isEmpty())
            rule.name = QStringLiteral("rule %1").arg(i + 1);
        if (!rule.enabled)
            continue;
        CompiledRule c;
        c.index = int(i);
        c.name = rule.name;
        const QByteArray host = rule.host.toLower().toLatin1();
        QByteArrayView hostPart, portPart;
        splitHostPort(host, &hostPart, &portPart);
        c.hostGlob = CompiledGlob(hostPart.toByteArray(), true);
        c.portGlob = CompiledGlob(portPart.toByteArray(), false);
        c.pathGlob = CompiledGlob(rule.path.toLatin1(), false);
        c.methods = rule.methods;
        if (rule.policy)
            c.policy.emplace(*rule.policy, origins);
        c.answerPreflights = rule.answerPreflights;
        c.remove = rule.remove;
        c.replace = groupByName(rule.replace);
        c.set = groupByName(rule.set);
        c.add = rule.add;
        compiled->push_back(std::move(c));
    }
    if (!compiled->empty())
        set.m_compiled = std::move(compiled);
    *out = std::move(set);
    return true;
}

OverrideSet OverrideSet::withOrigins(const policy::DemoOrigins &origins) const
{
    OverrideSet set;
    QString error;
    // The rules were checked when this set was made, so compiling them again cannot fail.
    fromRules(m_rules, origins, &set, &error);
    return set;
}

const OverrideSet::CompiledRule *OverrideSet::match(const http::HttpRequest &request,
                                                    QByteArrayView host, QByteArrayView path) const
{
    QByteArrayView hostPart, port;
    splitHostPort(host, &hostPart, &port);
    if (path.isEmpty())
        path = "/"; // an empty URL path is "/"
    for (const CompiledRule &rule : *m_compiled) {
        if (!rule.hostGlob.matches(hostPart) ||
            (!rule.portGlob.isEmpty() && !rule.portGlob.matches(port)) ||
            !rule.pathGlob.matches(path))
            continue;
        if (rule.methods.isEmpty())
            return &rule;
        // A preflight belongs to the request it asks for, so a rule for PUT covers its preflight.
        const QByteArray *requested =
            isCorsPreflight(request) ? firstHeader(request.headers, "Access-Control-Request-Method")
                                     : nullptr;
        for (const QByteArray &method : rule.methods) {
            if (method == request.method ||
                (requested && method == QByteArrayView(*requested).trimmed()))
                return &rule;
        }
    }
    return nullptr;
}

int OverrideSet::matchingRule(const http::HttpRequest &request, QByteArrayView host,
                              QByteArrayView path) const
{
    if (!m_compiled)
        return -1;
    const CompiledRule *rule = match(request, host, path);
    return rule ? rule->index : -1;
}

std::optional<OverrideOutcome> OverrideSet::localPreflightAnswer(const http::HttpRequest &request,
                                                                 QByteArrayView host,
                                                                 QByteArrayView path) const
{
    if (!m_compiled || !isCorsPreflight(request))
        return std::nullopt;
    const CompiledRule *rule = match(request, host, path);
    if (!rule || !rule->answerPreflights)
        return std::nullopt;
    OverrideOutcome outcome;
    outcome.response.status = 204;
    applyRule(*rule, request, true, &outcome.response.status, &outcome.response.headers);
    outcome.response.addContentLength();
    outcome.ruleName = rule->name;
    return outcome;
}

bool OverrideSet::applyToResponse(const http::HttpRequest &request, QByteArrayView host,
                                  QByteArrayView path, int *status, base::HeaderList *headers,
                                  QString *ruleName) const
{
    if (!m_compiled)
        return false;
    const CompiledRule *rule = match(request, host, path);
    if (!rule)
        return false;
    int newStatus = *status;
    base::HeaderList newHeaders = *headers;
    applyRule(*rule, request, isCorsPreflight(request), &newStatus, &newHeaders);
    if (newStatus == *status && sameFields(newHeaders, *headers))
        return false;
    *status = newStatus;
    *headers = std::move(newHeaders);
    if (ruleName)
        *ruleName = rule->name;
    return true;
}

} // namespace corslab::proxy
