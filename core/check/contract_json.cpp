// The contract file's fields, read one by one: every malformed value is refused with its path.
#include "contract_json.h"

#include "base/header_list.h"
#include "base/json_reader.h"
#include "cors/browser_profile.h"
#include "cors/origin.h"

#include <QJsonArray>
#include <cmath>

namespace corslab::check {

namespace {

const QStringList kTopKeys = {QStringLiteral("version"), QStringLiteral("base_url"),
                              QStringLiteral("browsers"), QStringLiteral("rules")};

const QStringList kRuleKeys = {QStringLiteral("name"),
                               QStringLiteral("url"),
                               QStringLiteral("origins"),
                               QStringLiteral("methods"),
                               QStringLiteral("headers"),
                               QStringLiteral("credentials"),
                               QStringLiteral("mode"),
                               QStringLiteral("body"),
                               QStringLiteral("browsers"),
                               QStringLiteral("expect"),
                               QStringLiteral("readable_headers"),
                               QStringLiteral("error"),
                               QStringLiteral("vary_origin"),
                               QStringLiteral("max_age_at_least"),
                               QStringLiteral("allowed_origins"),
                               QStringLiteral("denied_origins")};

template<typename Enum> using Names = QList<QPair<QString, Enum>>;

const Names<cors::CredentialsMode> kCredentials = {
    {QStringLiteral("omit"), cors::CredentialsMode::Omit},
    {QStringLiteral("same-origin"), cors::CredentialsMode::SameOrigin},
    {QStringLiteral("include"), cors::CredentialsMode::Include}};
const Names<cors::RequestMode> kModes = {
    {QStringLiteral("cors"), cors::RequestMode::Cors},
    {QStringLiteral("no-cors"), cors::RequestMode::NoCors},
    {QStringLiteral("same-origin"), cors::RequestMode::SameOrigin}};
const Names<Expectation> kExpectations = {{QStringLiteral("exposed"), Expectation::Exposed},
                                          {QStringLiteral("blocked"), Expectation::Blocked}};

/// "omit, same-origin or include".
template<typename Enum> QString spelled(const Names<Enum> &names)
{
    QStringList words;
    for (const auto &n : names)
        words << n.first;
    const QString last = words.takeLast();
    return words.join(QStringLiteral(", ")) + QStringLiteral(" or ") + last;
}

template<typename Enum> QString nameOf(const Names<Enum> &names, Enum value)
{
    for (const auto &n : names) {
        if (n.second == value)
            return n.first;
    }
    return {};
}

bool isLatin1Line(const QString &text)
{
    for (QChar c : text) {
        if (c.unicode() > 0xFF || c == QLatin1Char('\0') || c == QLatin1Char('\n') ||
            c == QLatin1Char('\r'))
            return false;
    }
    return true;
}

bool isAbsoluteHttpUrl(const QString &text)
{
    const QUrl url(text, QUrl::StrictMode);
    return url.isValid() && !url.host().isEmpty() &&
           (url.scheme() == QLatin1String("http") || url.scheme() == QLatin1String("https"));
}

/// Reads one contract, failing at the first problem with its path.
class ContractParser
{
public:
    explicit ContractParser(QString *error) : m_reader(error) {}

    bool contract(const QJsonValue &value, Contract *out);

private:
    bool rule(const QJsonValue &value, const QString &field, ContractRule *out);
    bool ruleRequest(const QJsonObject &o, const QString &field, ContractRule *out);
    bool ruleExpectations(const QJsonObject &o, const QString &field, ContractRule *out);
    bool ruleConsistent(const QJsonObject &o, const QString &field, const ContractRule &r);

    /// A string, or a non-empty array, as its items (not checked yet).
    bool stringOrList(const QJsonValue &value, const QString &field, const QString &expected,
                      QList<QJsonValue> *items);
    bool text(const QJsonValue &value, const QString &field, QString *out);
    bool origins(const QJsonValue &value, const QString &field, QList<QByteArray> *out);
    bool methods(const QJsonValue &value, const QString &field, QList<QByteArray> *out);
    bool headerNames(const QJsonValue &value, const QString &field, QList<QByteArray> *out);
    bool headers(const QJsonValue &value, const QString &field, base::HeaderList *out);
    bool header(const QString &name, const QJsonValue &value, const QString &field,
                base::HeaderList *out);
    bool browsers(const QJsonValue &value, const QString &field, QStringList *out);
    bool corsError(const QJsonValue &value, const QString &field, cors::CorsError *out);
    bool nonNegative(const QJsonValue &value, const QString &field, std::optional<qint64> *out);
    template<typename Enum>
    bool choice(const QJsonValue &value, const QString &field, const Names<Enum> &names, Enum *out)
    {
        if (value.isUndefined())
            return true;
        for (const auto &n : names) {
            if (value.isString() && value.toString() == n.first) {
                *out = n.second;
                return true;
            }
        }
        return m_reader.fail(field, spelled(names), value);
    }

    base::JsonReader m_reader;
};

bool ContractParser::contract(const QJsonValue &value, Contract *out)
{
    if (!value.isObject())
        return m_reader.fail(QStringLiteral("contract"), QStringLiteral("an object with \"rules\""),
                             value);
    const QJsonObject o = value.toObject();
    if (!m_reader.checkKeys(o, {}, kTopKeys))
        return false;
    Contract c;
    const QJsonValue version = o.value(QStringLiteral("version"));
    if (!version.isUndefined() && !(version.isDouble() && version.toDouble() == 1))
        return m_reader.fail(QStringLiteral("version"), QStringLiteral("1"), version);
    const QJsonValue base = o.value(QStringLiteral("base_url"));
    if (!base.isUndefined() && !(base.isString() && isAbsoluteHttpUrl(base.toString())))
        return m_reader.fail(QStringLiteral("base_url"),
                             QStringLiteral("an absolute http:// or https:// URL"), base);
    c.baseUrl = base.toString();
    if (!browsers(o.value(QStringLiteral("browsers")), QStringLiteral("browsers"), &c.browsers))
        return false;
    const QJsonValue rules = o.value(QStringLiteral("rules"));
    if (!rules.isArray() || rules.toArray().isEmpty())
        return m_reader.fail(QStringLiteral("rules"), QStringLiteral("a non-empty list of rules"),
                             rules);
    const QJsonArray list = rules.toArray();
    for (qsizetype i = 0; i < list.size(); ++i) {
        ContractRule r;
        if (!rule(list.at(i), QStringLiteral("rules[%1]").arg(i), &r))
            return false;
        c.rules.append(r);
    }
    *out = c;
    return true;
}

bool ContractParser::rule(const QJsonValue &value, const QString &field, ContractRule *out)
{
    if (!value.isObject())
        return m_reader.fail(field, QStringLiteral("a rule (an object with \"url\")"), value);
    const QJsonObject o = value.toObject();
    return m_reader.checkKeys(o, field, kRuleKeys) && ruleRequest(o, field, out) &&
           ruleExpectations(o, field, out) && ruleConsistent(o, field, *out);
}

bool ContractParser::ruleRequest(const QJsonObject &o, const QString &field, ContractRule *r)
{
    const auto at = [&](const char *key) { return field + QLatin1Char('.') + QLatin1String(key); };
    const QJsonValue url = o.value(QStringLiteral("url"));
    const bool urlOk = url.isString() && (url.toString().startsWith(QLatin1Char('/')) ||
                                          isAbsoluteHttpUrl(url.toString()));
    if (!urlOk)
        return m_reader.fail(at("url"),
                             QStringLiteral("an absolute http:// or https:// URL or a path "
                                            "starting with \"/\""),
                             url);
    r->url = url.toString();
    QString body;
    const bool ok = text(o.value(QStringLiteral("name")), at("name"), &r->name) &&
                    origins(o.value(QStringLiteral("origins")), at("origins"), &r->origins) &&
                    methods(o.value(QStringLiteral("methods")), at("methods"), &r->methods) &&
                    headers(o.value(QStringLiteral("headers")), at("headers"), &r->headers) &&
                    choice(o.value(QStringLiteral("credentials")), at("credentials"), kCredentials,
                           &r->credentials) &&
                    choice(o.value(QStringLiteral("mode")), at("mode"), kModes, &r->mode) &&
                    text(o.value(QStringLiteral("body")), at("body"), &body) &&
                    browsers(o.value(QStringLiteral("browsers")), at("browsers"), &r->browsers);
    r->body = body.toUtf8();
    return ok;
}

bool ContractParser::ruleExpectations(const QJsonObject &o, const QString &field, ContractRule *r)
{
    const auto at = [&](const char *key) { return field + QLatin1Char('.') + QLatin1String(key); };
    const QJsonValue expect = o.value(QStringLiteral("expect"));
    if (!expect.isUndefined()) {
        Expectation e = Expectation::Exposed;
        if (!choice(expect, at("expect"), kExpectations, &e))
            return false;
        r->expect = e;
    }
    const QJsonValue vary = o.value(QStringLiteral("vary_origin"));
    if (!vary.isUndefined() && !vary.isBool())
        return m_reader.fail(at("vary_origin"), QStringLiteral("true or false"), vary);
    r->varyOrigin = vary.toBool();
    return headerNames(o.value(QStringLiteral("readable_headers")), at("readable_headers"),
                       &r->readableHeaders) &&
           corsError(o.value(QStringLiteral("error")), at("error"), &r->error) &&
           nonNegative(o.value(QStringLiteral("max_age_at_least")), at("max_age_at_least"),
                       &r->maxAgeAtLeast) &&
           origins(o.value(QStringLiteral("allowed_origins")), at("allowed_origins"),
                   &r->allowedOrigins) &&
           origins(o.value(QStringLiteral("denied_origins")), at("denied_origins"),
                   &r->deniedOrigins);
}

bool ContractParser::ruleConsistent(const QJsonObject &o, const QString &field,
                                    const ContractRule &r)
{
    const auto at = [&](const char *key) { return field + QLatin1Char('.') + QLatin1String(key); };
    const bool shorthand = !r.allowedOrigins.isEmpty() || !r.deniedOrigins.isEmpty();
    if (!r.expect && !shorthand)
        return m_reader.failText(at("expect"),
                                 QStringLiteral("expected exposed or blocked (or use "
                                                "allowed_origins / denied_origins), got nothing"));
    if (r.expect && r.origins.isEmpty())
        return m_reader.failText(at("origins"), QStringLiteral("expected at least one page "
                                                               "origin for expect, got nothing"));
    if (!r.expect && !r.origins.isEmpty())
        return m_reader.failText(at("expect"), QStringLiteral("expected exposed or blocked for "
                                                              "origins, got nothing"));
    // Promises about a readable response need a case that expects one.
    const bool someExposed = r.expect == Expectation::Exposed || !r.allowedOrigins.isEmpty();
    if (o.contains(QStringLiteral("readable_headers")) && !someExposed)
        return m_reader.failText(at("readable_headers"),
                                 QStringLiteral("only with expect: exposed or allowed_origins"));
    if (o.contains(QStringLiteral("error")) && r.expect != Expectation::Blocked)
        return m_reader.failText(at("error"), QStringLiteral("only with expect: blocked"));
    if (r.maxAgeAtLeast && !someExposed)
        return m_reader.failText(at("max_age_at_least"),
                                 QStringLiteral("only for exposed requests (a blocked preflight "
                                                "is not cached)"));
    return true;
}

bool ContractParser::stringOrList(const QJsonValue &value, const QString &field,
                                  const QString &expected, QList<QJsonValue> *items)
{
    if (value.isString()) {
        items->append(value);
        return true;
    }
    if (!value.isArray() || value.toArray().isEmpty())
        return m_reader.fail(field, expected + QStringLiteral(", or a non-empty list of them"),
                             value);
    for (const auto &item : value.toArray())
        items->append(item);
    return true;
}

bool ContractParser::text(const QJsonValue &value, const QString &field, QString *out)
{
    if (value.isUndefined())
        return true;
    if (!value.isString())
        return m_reader.fail(field, QStringLiteral("a string"), value);
    *out = value.toString();
    return true;
}

bool ContractParser::origins(const QJsonValue &value, const QString &field, QList<QByteArray> *out)
{
    if (value.isUndefined())
        return true;
    const QString expected = QStringLiteral("a page origin such as \"https://app.example.com\"");
    QList<QJsonValue> items;
    if (!stringOrList(value, field, expected, &items))
        return false;
    const bool list = value.isArray();
    for (qsizetype i = 0; i < items.size(); ++i) {
        const QString at = list ? QStringLiteral("%1[%2]").arg(field).arg(i) : field;
        cors::Origin origin;
        QString why;
        if (!items.at(i).isString() ||
            !cors::Origin::parse(items.at(i).toString(), &origin, &why) || !origin.isHttpFamily())
            return m_reader.fail(at, expected, items.at(i));
        out->append(origin.serialize());
    }
    return true;
}

bool ContractParser::methods(const QJsonValue &value, const QString &field, QList<QByteArray> *out)
{
    if (value.isUndefined())
        return true;
    const QString expected = QStringLiteral("an HTTP method such as \"PUT\"");
    QList<QJsonValue> items;
    if (!stringOrList(value, field, expected, &items))
        return false;
    out->clear();
    for (qsizetype i = 0; i < items.size(); ++i) {
        const QString at = value.isArray() ? QStringLiteral("%1[%2]").arg(field).arg(i) : field;
        const QByteArray method = items.at(i).toString().toLatin1();
        if (!items.at(i).isString() || !base::isHttpToken(method))
            return m_reader.fail(at, expected, items.at(i));
        out->append(method);
    }
    return true;
}

bool ContractParser::headerNames(const QJsonValue &value, const QString &field,
                                 QList<QByteArray> *out)
{
    if (value.isUndefined())
        return true;
    const QString expected = QStringLiteral("a header name such as \"X-Total-Count\"");
    QList<QJsonValue> items;
    if (!stringOrList(value, field, expected, &items))
        return false;
    for (qsizetype i = 0; i < items.size(); ++i) {
        const QString at = value.isArray() ? QStringLiteral("%1[%2]").arg(field).arg(i) : field;
        const QByteArray name = items.at(i).toString().toLatin1();
        if (!items.at(i).isString() || !base::isHttpToken(name))
            return m_reader.fail(at, expected, items.at(i));
        out->append(name);
    }
    return true;
}

bool ContractParser::headers(const QJsonValue &value, const QString &field, base::HeaderList *out)
{
    if (value.isUndefined())
        return true;
    if (value.isObject()) {
        const QJsonObject map = value.toObject();
        for (auto it = map.begin(); it != map.end(); ++it) {
            if (!header(it.key(), it.value(), field + QLatin1Char('.') + it.key(), out))
                return false;
        }
        return true;
    }
    if (!value.isArray())
        return m_reader.fail(field,
                             QStringLiteral("a map of header names to values, or a list of "
                                            "\"Name: value\" strings"),
                             value);
    const QJsonArray list = value.toArray();
    for (qsizetype i = 0; i < list.size(); ++i) {
        const QString at = QStringLiteral("%1[%2]").arg(field).arg(i);
        const QString line = list.at(i).toString();
        const qsizetype colon = line.indexOf(QLatin1Char(':'));
        if (!list.at(i).isString() || colon < 0)
            return m_reader.fail(at, QStringLiteral("a \"Name: value\" string"), list.at(i));
        const QString name = line.left(colon).trimmed();
        if (!header(name, QJsonValue(line.mid(colon + 1).trimmed()), at, out))
            return false;
    }
    return true;
}

bool ContractParser::header(const QString &name, const QJsonValue &value, const QString &field,
                            base::HeaderList *out)
{
    if (name.isEmpty() || !isLatin1Line(name) || !base::isHttpToken(name.toLatin1()))
        return m_reader.fail(field,
                             QStringLiteral("a header name (letters, digits and "
                                            "!#$%&'*+-.^_`|~)"),
                             QJsonValue(name));
    if (!value.isString() || !isLatin1Line(value.toString()))
        return m_reader.fail(field,
                             QStringLiteral("a header value (a string of Latin-1 text without "
                                            "NUL, CR or LF; quote numbers in YAML)"),
                             value);
    out->append({name.toLatin1(), value.toString().toLatin1()});
    return true;
}

bool ContractParser::browsers(const QJsonValue &value, const QString &field, QStringList *out)
{
    if (value.isUndefined())
        return true;
    const QString expected = QStringLiteral("a browser (chromium, firefox, safari, spec or all)");
    QList<QJsonValue> items;
    if (!stringOrList(value, field, expected, &items))
        return false;
    QStringList names;
    for (qsizetype i = 0; i < items.size(); ++i) {
        const QString at = value.isArray() ? QStringLiteral("%1[%2]").arg(field).arg(i) : field;
        const QString name = items.at(i).toString();
        const QStringList add = name == QLatin1String("all") ? allBrowsers() : QStringList{name};
        if (!items.at(i).isString() ||
            (name != QLatin1String("all") && !cors::BrowserProfile::byName(name)))
            return m_reader.fail(at, expected, items.at(i));
        for (const QString &browser : add) {
            if (!names.contains(browser))
                names << browser;
        }
    }
    *out = names;
    return true;
}

bool ContractParser::corsError(const QJsonValue &value, const QString &field, cors::CorsError *out)
{
    if (value.isUndefined())
        return true;
    const cors::CorsError error = cors::corsErrorFromName(value.toString());
    if (!value.isString() || error == cors::CorsError::None)
        return m_reader.fail(field,
                             QStringLiteral("a CorsError name such as \"AllowOriginMismatch\" or "
                                            "\"PreflightMissingAllowOriginHeader\""),
                             value);
    *out = error;
    return true;
}

bool ContractParser::nonNegative(const QJsonValue &value, const QString &field,
                                 std::optional<qint64> *out)
{
    if (value.isUndefined())
        return true;
    const double d = value.toDouble(-1);
    constexpr double kLargest = 9007199254740991.0; // 2^53 - 1: exact in a double
    if (!value.isDouble() || d < 0 || d > kLargest || std::floor(d) != d)
        return m_reader.fail(field, QStringLiteral("a whole number of seconds, 0 or more"), value);
    *out = qint64(d);
    return true;
}

QJsonValue stringOrArray(const QStringList &list)
{
    return list.size() == 1 ? QJsonValue(list.first())
                            : QJsonValue(QJsonArray::fromStringList(list));
}

QStringList latin1List(const QList<QByteArray> &list)
{
    QStringList out;
    for (const QByteArray &item : list)
        out << QString::fromLatin1(item);
    return out;
}

void putList(QJsonObject *o, const QString &key, const QList<QByteArray> &list)
{
    if (!list.isEmpty())
        o->insert(key, QJsonArray::fromStringList(latin1List(list)));
}

QJsonObject ruleToJson(const ContractRule &r)
{
    QJsonObject o;
    const ContractRule defaults;
    if (!r.name.isEmpty())
        o.insert(QStringLiteral("name"), r.name);
    o.insert(QStringLiteral("url"), r.url);
    putList(&o, QStringLiteral("origins"), r.origins);
    if (r.methods != defaults.methods)
        o.insert(QStringLiteral("methods"), QJsonArray::fromStringList(latin1List(r.methods)));
    QStringList headerLines;
    for (const auto &[name, value] : r.headers)
        headerLines << QString::fromLatin1(name + ": " + value);
    if (!headerLines.isEmpty())
        o.insert(QStringLiteral("headers"), QJsonArray::fromStringList(headerLines));
    if (r.credentials != defaults.credentials)
        o.insert(QStringLiteral("credentials"), nameOf(kCredentials, r.credentials));
    if (r.mode != defaults.mode)
        o.insert(QStringLiteral("mode"), nameOf(kModes, r.mode));
    if (!r.body.isEmpty())
        o.insert(QStringLiteral("body"), QString::fromUtf8(r.body));
    if (!r.browsers.isEmpty())
        o.insert(QStringLiteral("browsers"), QJsonArray::fromStringList(r.browsers));
    if (r.expect)
        o.insert(QStringLiteral("expect"), expectationName(*r.expect));
    putList(&o, QStringLiteral("readable_headers"), r.readableHeaders);
    if (r.error != cors::CorsError::None)
        o.insert(QStringLiteral("error"), cors::corsErrorName(r.error));
    if (r.varyOrigin)
        o.insert(QStringLiteral("vary_origin"), true);
    if (r.maxAgeAtLeast)
        o.insert(QStringLiteral("max_age_at_least"), double(*r.maxAgeAtLeast));
    putList(&o, QStringLiteral("allowed_origins"), r.allowedOrigins);
    putList(&o, QStringLiteral("denied_origins"), r.deniedOrigins);
    return o;
}

} // namespace

bool contractFromJson(const QJsonValue &value, Contract *out, QString *error)
{
    ContractParser parser(error);
    return parser.contract(value, out);
}

QJsonObject contractToJson(const Contract &contract)
{
    QJsonObject o;
    o.insert(QStringLiteral("version"), contract.version);
    if (!contract.baseUrl.isEmpty())
        o.insert(QStringLiteral("base_url"), contract.baseUrl);
    if (!contract.browsers.isEmpty())
        o.insert(QStringLiteral("browsers"), stringOrArray(contract.browsers));
    QJsonArray rules;
    for (const ContractRule &r : contract.rules)
        rules.append(ruleToJson(r));
    o.insert(QStringLiteral("rules"), rules);
    return o;
}

const QStringList &contractKeyOrder()
{
    static const QStringList order = kTopKeys + kRuleKeys;
    return order;
}

} // namespace corslab::check
