#include "firefox_console.h"

#include <QRegularExpression>
#include <array>

namespace corslab::attach {

namespace {
struct ReasonSentence
{
    const char *pattern; ///< the text inside "(Reason: …)"; its one group, if any, is the parameter
    const char *key;     ///< Firefox's key (security.properties)
};

// Firefox ESR's sentences, in its own quotes (‘ ’). Older wordings are kept under their older keys.
constexpr std::array<ReasonSentence, 17> kReasons{{
    {"CORS header ‘Access-Control-Allow-Origin’ missing", "CORSMissingAllowOrigin2"},
    {"CORS header ‘Access-Control-Allow-Origin’ does not match ‘(.*)’",
     "CORSAllowOriginNotMatchingOrigin"},
    {"Multiple CORS header ‘Access-Control-Allow-Origin’ not allowed",
     "CORSMultipleAllowOriginNotAllowed"},
    {"Credential is not supported if the CORS header ‘Access-Control-Allow-Origin’ is ‘\\*’",
     "CORSNotSupportingCredentials"},
    {"expected ‘true’ in CORS header ‘Access-Control-Allow-Credentials’",
     "CORSMissingAllowCredentials"},
    {"Did not find method in CORS header ‘Access-Control-Allow-Methods’", "CORSMethodNotFound"},
    {"header ‘(.*)’ is not allowed according to header ‘Access-Control-Allow-Headers’ from CORS "
     "preflight response",
     "CORSMissingAllowHeaderFromPreflight2"},
    {"missing token ‘(.*)’ in CORS header ‘Access-Control-Allow-Headers’ from CORS preflight "
     "channel",
     "CORSMissingAllowHeaderFromPreflight"},
    {"CORS request did not succeed", "CORSDidNotSucceed2"},
    {"CORS preflight response did not succeed", "CORSPreflightDidNotSucceed3"},
    {"CORS preflight channel did not succeed", "CORSPreflightDidNotSucceed"},
    {"CORS request external redirect not allowed", "CORSExternalRedirectNotAllowed"},
    {"CORS request not HTTP", "CORSRequestNotHttp"},
    {"CORS disabled", "CORSDisabled"},
    {"CORS header ‘Origin’ cannot be added", "CORSOriginHeaderNotAdded"},
    {"invalid token ‘(.*)’ in CORS header ‘Access-Control-Allow-Methods’",
     "CORSInvalidAllowMethod"},
    {"invalid token ‘(.*)’ in CORS header ‘Access-Control-Allow-Headers’",
     "CORSInvalidAllowHeader"},
}};

struct CompiledReason
{
    QRegularExpression pattern;
    QString key;
};

const QList<CompiledReason> &compiledReasons()
{
    static const QList<CompiledReason> kCompiled = [] {
        QList<CompiledReason> out;
        for (const ReasonSentence &r : kReasons)
            out.append({QRegularExpression(u'^' + QString::fromUtf8(r.pattern) + u'$'),
                        QString::fromLatin1(r.key)});
        return out;
    }();
    return kCompiled;
}
} // namespace

std::optional<FirefoxCorsMessage> parseFirefoxCorsMessage(const QString &text)
{
    // "…remote resource at URL. (Reason: …). Status code: 200." — the URL sometimes in quotes.
    static const QRegularExpression kSentence(QStringLiteral(
        "^Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote "
        "resource at ‘?(.+?)’?\\. \\(Reason: (.*?)\\)(?:\\. Status code: (.*))?\\.$"));
    const QRegularExpressionMatch sentence = kSentence.match(text);
    if (!sentence.hasMatch())
        return std::nullopt;
    FirefoxCorsMessage message;
    message.url = sentence.captured(1).toUtf8();
    message.parameter = sentence.captured(3);
    const QString reason = sentence.captured(2);
    for (const CompiledReason &known : compiledReasons()) {
        const QRegularExpressionMatch m = known.pattern.match(reason);
        if (!m.hasMatch())
            continue;
        message.reason = known.key;
        if (m.lastCapturedIndex() >= 1)
            message.parameter = m.captured(1);
        break;
    }
    if (message.reason.isEmpty())
        message.parameter = reason;
    return message;
}

} // namespace corslab::attach
