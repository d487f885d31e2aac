#include "browser_case.h"

#include <QJsonArray>
#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace {

QJsonValue substitute(const QJsonValue &value, const HarnessOrigins &origins)
{
    if (value.isString()) {
        QString text = value.toString();
        text.replace(u"{ORIGIN}"_s, origins.page)
            .replace(u"{TARGET}"_s, origins.target)
            .replace(u"{OTHER}"_s, origins.other);
        return text;
    }
    if (value.isArray()) {
        QJsonArray array;
        for (const QJsonValue &item : value.toArray())
            array.append(substitute(item, origins));
        return array;
    }
    if (value.isObject()) {
        QJsonObject object;
        const QJsonObject source = value.toObject();
        for (auto it = source.begin(); it != source.end(); ++it)
            object.insert(it.key(), substitute(it.value(), origins));
        return object;
    }
    return value;
}

bool isHeaderName(const QString &name)
{
    static const QRegularExpression token(u"^[!#$%&'*+\\-.^_`|~0-9A-Za-z]+$"_s);
    return token.match(name).hasMatch();
}

// A header list is [[name, value], ...]; values must not break the response framing.
bool checkHeaders(const QJsonValue &headers, const QString &where, QString *error)
{
    if (!headers.isArray()) {
        *error = where + u".headers must be an array of [name, value] pairs"_s;
        return false;
    }
    for (const QJsonValue &pair : headers.toArray()) {
        const QJsonArray nameValue = pair.toArray();
        if (nameValue.size() != 2 || !nameValue[0].isString() || !nameValue[1].isString() ||
            !isHeaderName(nameValue[0].toString()) || nameValue[1].toString().contains(u'\r') ||
            nameValue[1].toString().contains(u'\n')) {
            *error = where + u".headers holds a malformed header"_s;
            return false;
        }
    }
    return true;
}

// preflight, redirects[k] and response: a status the server can send plus headers that do not
// try to frame the message themselves (the server owns Content-Length).
bool checkServerResponse(const QJsonValue &value, const QString &where, QString *error)
{
    const QJsonObject response = value.toObject();
    const QJsonValue status = response.value(u"status"_s);
    if (!value.isObject() || !status.isDouble() || status.toDouble() != status.toInt() ||
        status.toInt() < 200 || status.toInt() > 599) {
        *error = where + u" must be an object with an integer status in 200..599"_s;
        return false;
    }
    const QJsonValue headers = response.value(u"headers"_s);
    if (headers.isUndefined())
        return true;
    if (!checkHeaders(headers, where, error))
        return false;
    for (const QJsonValue &pair : headers.toArray()) {
        const QString name = pair.toArray().at(0).toString();
        if (name.compare(u"Content-Length"_s, Qt::CaseInsensitive) == 0 ||
            name.compare(u"Transfer-Encoding"_s, Qt::CaseInsensitive) == 0) {
            *error = where + u" must not set "_s + name + u" (the harness sends it)"_s;
            return false;
        }
    }
    return true;
}

bool checkRequest(const BrowserCase &browserCase, QString *error)
{
    const QJsonObject request = browserCase.scenario.value(u"request"_s).toObject();
    const QString expectedUrl = u"{TARGET}/case/"_s + browserCase.id + u"/0"_s;
    if (request.value(u"url"_s).toString() != expectedUrl) {
        *error = u"request.url must be \""_s + expectedUrl + u"\" (the server routes by it)"_s;
        return false;
    }
    for (const QString &field :
         {u"method"_s, u"credentials"_s, u"mode"_s, u"redirect"_s, u"origin"_s, u"body"_s}) {
        if (request.contains(field) && !request.value(field).isString()) {
            *error = u"request."_s + field + u" must be a string"_s;
            return false;
        }
    }
    if (request.contains(u"headers"_s) &&
        !checkHeaders(request.value(u"headers"_s), u"request"_s, error))
        return false;
    return true;
}

QJsonObject withContentLength(QJsonObject response)
{
    QJsonArray headers = response.value(u"headers"_s).toArray();
    const QByteArray body = scenarioBody(response.value(u"status"_s).toInt());
    headers.append(QJsonArray{u"Content-Length"_s, QString::number(body.size())});
    response.insert(u"headers"_s, headers);
    return response;
}

} // namespace

QByteArray scenarioBody(int status)
{
    // 204 and 205 must not carry content (RFC 9110 15.3.5, 15.3.6).
    const bool hasContent = status >= 200 && status < 300 && status != 204 && status != 205;
    return hasContent ? "ok"_ba : QByteArray();
}

std::optional<QJsonObject> resolveScenario(const BrowserCase &browserCase,
                                           const HarnessOrigins &origins, QString *error)
{
    QString problem;
    const auto fail = [&](const QString &message) {
        *error = u"case \""_s + browserCase.id + u"\": "_s + message;
        return std::nullopt;
    };

    // The id becomes a URL path segment: keep it to unreserved characters.
    static const QRegularExpression idPattern(u"^[A-Za-z0-9._~-]+$"_s);
    if (!idPattern.match(browserCase.id).hasMatch())
        return fail(u"id must be non-empty and use only A-Z a-z 0-9 . _ ~ -"_s);
    if (browserCase.repeat < 1)
        return fail(u"repeat must be at least 1"_s);

    const QJsonObject &scenario = browserCase.scenario;
    if (!checkRequest(browserCase, &problem))
        return fail(problem);
    if (!checkServerResponse(scenario.value(u"response"_s), u"response"_s, &problem))
        return fail(problem);
    if (scenario.contains(u"preflight"_s) &&
        !checkServerResponse(scenario.value(u"preflight"_s), u"preflight"_s, &problem))
        return fail(problem);
    if (scenario.contains(u"redirects"_s)) {
        if (!scenario.value(u"redirects"_s).isArray())
            return fail(u"redirects must be an array"_s);
        const QJsonArray redirects = scenario.value(u"redirects"_s).toArray();
        for (qsizetype k = 0; k < redirects.size(); ++k) {
            if (!checkServerResponse(redirects[k], u"redirects[%1]"_s.arg(k), &problem))
                return fail(problem);
        }
    }

    QJsonObject resolved = substitute(scenario, origins).toObject();

    // The page can only fetch from its own origin; any other request.origin cannot be reproduced.
    const QJsonObject request = resolved.value(u"request"_s).toObject();
    if (request.contains(u"origin"_s) && request.value(u"origin"_s).toString() != origins.page)
        return fail(u"request.origin must be {ORIGIN}: the browser fetches from the page origin"_s);

    resolved.insert(u"response"_s, withContentLength(resolved.value(u"response"_s).toObject()));
    // Without a preflight object the server answers OPTIONS with a bare 404: say so explicitly,
    // so an engine given this scenario sees what the browser saw.
    const QJsonObject preflight =
        resolved.contains(u"preflight"_s)
            ? resolved.value(u"preflight"_s).toObject()
            : QJsonObject{{u"status"_s, 404}, {u"headers"_s, QJsonArray()}};
    resolved.insert(u"preflight"_s, withContentLength(preflight));
    if (resolved.contains(u"redirects"_s)) {
        QJsonArray redirects;
        for (const QJsonValue &redirect : resolved.value(u"redirects"_s).toArray())
            redirects.append(withContentLength(redirect.toObject()));
        resolved.insert(u"redirects"_s, redirects);
    }
    return resolved;
}
