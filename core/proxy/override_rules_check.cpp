#include "override_rules_check.h"

#include "base/header_list.h"

#include <QJsonValue>
#include <QRegularExpression>
#include <algorithm>

namespace corslab::proxy {

namespace {

const QString kHostExpectation = QStringLiteral(
    "a host glob such as \"api.example.com\", \"*.example.com\", \"localhost:8080\" or "
    "\"[::1]:8080\" (no scheme, no path)");
const QString kPathExpectation = QStringLiteral(
    "a path glob starting with \"/\" or \"*\" such as \"/api/*\" (printable ASCII; the query is "
    "not matched)");
const QString kMethodExpectation = QStringLiteral("an HTTP method token such as \"PUT\"");
const QString kNameExpectation = QStringLiteral(
    "a header name the proxy may change (letters, digits and !#$%&'*+-.^_`|~; not Content-Length, "
    "Transfer-Encoding, Connection, Keep-Alive, Proxy-Connection, TE, Trailer or Upgrade, which "
    "frame the message)");
const QString kValueExpectation =
    QStringLiteral("a header value (Latin-1 text without NUL, CR or LF)");

bool isAsciiAlnum(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool isValidPortGlob(QByteArrayView port)
{
    if (port == "*")
        return true;
    if (port.isEmpty() || port.size() > 5 ||
        !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return false;
    const int value = port.toByteArray().toInt();
    return value >= 1 && value <= 65535;
}

bool isValidHostGlob(const QString &glob)
{
    if (glob.isEmpty() || std::any_of(glob.begin(), glob.end(), [](QChar c) {
            return c.unicode() <= 0x20 || c.unicode() >= 0x7f;
        }))
        return false;
    const QByteArray text = glob.toLatin1();
    QByteArrayView host = text;
    if (text.startsWith('[')) { // an IPv6 literal, as URLs write it
        const qsizetype close = text.indexOf(']');
        if (close < 2)
            return false;
        const QByteArrayView inside = QByteArrayView(text).sliced(1, close - 1);
        if (!std::all_of(inside.begin(), inside.end(), [](char c) {
                return isAsciiAlnum(c) || c == ':' || c == '.' || c == '*';
            }))
            return false;
        const QByteArrayView rest = QByteArrayView(text).sliced(close + 1);
        return rest.isEmpty() || (rest.startsWith(':') && isValidPortGlob(rest.sliced(1)));
    }
    const qsizetype colon = text.indexOf(':');
    if (colon >= 0) {
        if (text.lastIndexOf(':') != colon ||
            !isValidPortGlob(QByteArrayView(text).sliced(colon + 1)))
            return false;
        host = host.first(colon);
    }
    return !host.isEmpty() && std::all_of(host.begin(), host.end(), [](char c) {
        return isAsciiAlnum(c) || c == '-' || c == '.' || c == '_' || c == '*';
    });
}

bool isValidPathGlob(const QString &glob)
{
    if (glob.isEmpty() ||
        (!glob.startsWith(QLatin1Char('/')) && !glob.startsWith(QLatin1Char('*'))))
        return false;
    return std::none_of(glob.begin(), glob.end(), [](QChar c) {
        return c.unicode() <= 0x20 || c.unicode() >= 0x7f || c == QLatin1Char('?') ||
               c == QLatin1Char('#');
    });
}

/// Names and methods are tokens (ASCII); anything else in them came from UTF-8 JSON text.
QJsonValue asName(const QByteArray &bytes)
{
    return QString::fromUtf8(bytes);
}

QJsonValue asValue(const QByteArray &bytes)
{
    return QString::fromLatin1(bytes);
}

bool checkName(const QByteArray &name, const QString &field, base::JsonReader *reader)
{
    if (!base::isHttpToken(name) || isFramingHeader(name))
        return reader->fail(field, kNameExpectation, asName(name));
    return true;
}

bool checkHeaders(const base::HeaderList &headers, const QString &field, base::JsonReader *reader)
{
    for (qsizetype i = 0; i < headers.size(); ++i) {
        const QString at = QStringLiteral("%1[%2]").arg(field).arg(i);
        if (!checkName(headers.at(i).first, at + QStringLiteral("[0]"), reader))
            return false;
        const QByteArray &value = headers.at(i).second;
        if (value.contains('\0') || value.contains('\r') || value.contains('\n'))
            return reader->fail(at + QStringLiteral("[1]"), kValueExpectation, asValue(value));
    }
    return true;
}

bool checkPolicy(const policy::CorsPolicy &policy, const QString &field, base::JsonReader *reader)
{
    if (policy.allowOrigin == policy::CorsPolicy::OriginMode::Pattern &&
        (policy.originPattern.isEmpty() || !QRegularExpression(policy.originPattern).isValid()))
        return reader->fail(field + QStringLiteral(".allow_origin.pattern"),
                            QStringLiteral("a valid regular expression (mode is \"pattern\")"),
                            policy.originPattern);
    if (policy.preflightStatus < 100 || policy.preflightStatus > 599)
        return reader->fail(field + QStringLiteral(".preflight.status"),
                            QStringLiteral("an HTTP status code from 100 to 599"),
                            policy.preflightStatus);
    return checkHeaders(policy.extraHeaders, field + QStringLiteral(".extra_headers"), reader);
}

} // namespace

bool isFramingHeader(QByteArrayView name)
{
    static constexpr QByteArrayView kFraming[] = {"content-length",   "transfer-encoding",
                                                  "connection",       "keep-alive",
                                                  "proxy-connection", "te",
                                                  "trailer",          "upgrade"};
    return std::any_of(std::begin(kFraming), std::end(kFraming), [&](QByteArrayView framing) {
        return framing.size() == name.size() && base::equalsIgnoreCase(framing, name);
    });
}

bool checkRule(const OverrideRule &rule, const QString &field, base::JsonReader *reader)
{
    if (!isValidHostGlob(rule.host))
        return reader->fail(field + QStringLiteral(".host"), kHostExpectation, rule.host);
    if (!isValidPathGlob(rule.path))
        return reader->fail(field + QStringLiteral(".path"), kPathExpectation, rule.path);
    for (qsizetype i = 0; i < rule.methods.size(); ++i) {
        if (!base::isHttpToken(rule.methods.at(i)))
            return reader->fail(QStringLiteral("%1.methods[%2]").arg(field).arg(i),
                                kMethodExpectation, asName(rule.methods.at(i)));
    }
    if (rule.policy && !checkPolicy(*rule.policy, field + QStringLiteral(".policy"), reader))
        return false;
    for (qsizetype i = 0; i < rule.remove.size(); ++i) {
        if (!checkName(rule.remove.at(i), QStringLiteral("%1.remove[%2]").arg(field).arg(i),
                       reader))
            return false;
    }
    return checkHeaders(rule.replace, field + QStringLiteral(".replace"), reader) &&
           checkHeaders(rule.set, field + QStringLiteral(".set"), reader) &&
           checkHeaders(rule.add, field + QStringLiteral(".add"), reader);
}

} // namespace corslab::proxy
