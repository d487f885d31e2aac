// curlCommand() and fetchSnippet(): a captured request as a command line to repeat it, and a
// composed one as the JavaScript that makes it.
#include "base/header_list.h"
#include "browser_client.h"

#include <QSet>
#include <QStringList>

namespace corslab::client {

namespace {

// Bytes a POSIX shell word may hold unquoted (no globbing, no expansion, no word splitting).
bool isShellSafe(QByteArrayView word)
{
    if (word.isEmpty())
        return false;
    for (const char c : word) {
        const bool alnum =
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alnum && !QByteArrayView("_@%+=:,./-").contains(c))
            return false;
    }
    return true;
}

// POSIX shell quoting: single quotes keep every byte but the single quote itself, which closes
// the quote, is escaped, and reopens it.
QByteArray shellQuote(const QByteArray &word)
{
    if (isShellSafe(word))
        return word;
    QByteArray out = "'";
    for (const char c : word) {
        if (c == '\'')
            out += "'\\''";
        else
            out += c;
    }
    return out + '\'';
}

// A printf(1) format that writes \a bytes exactly: for a body holding NUL bytes, which no shell
// argument can carry.
QByteArray printfFormat(const QByteArray &bytes)
{
    QByteArray out;
    for (const char ch : bytes) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == '%')
            out += "%%";
        else if (c == '\\')
            out += "\\\\";
        else if (c >= 0x20 && c < 0x7F)
            out += ch;
        else
            out += '\\' + QByteArray::number(c, 8).rightJustified(3, '0');
    }
    return out;
}

// curl adds these on its own unless told otherwise ("-H 'Name:'" removes one).
constexpr const char *curlDefaultHeaders[] = {"Accept", "User-Agent"};

// A JavaScript string literal. Header values are byte strings (ByteString: one char per byte,
// so Latin-1), shown as \u00XX beyond ASCII; a body is text, kept as is.
QString jsString(const QString &text, bool asciiOnly)
{
    QString out = QStringLiteral("\"");
    for (const QChar ch : text) {
        const char16_t c = ch.unicode();
        switch (c) {
        case '"':
            out += QStringLiteral("\\\"");
            continue;
        case '\\':
            out += QStringLiteral("\\\\");
            continue;
        case '\n':
            out += QStringLiteral("\\n");
            continue;
        case '\r':
            out += QStringLiteral("\\r");
            continue;
        case '\t':
            out += QStringLiteral("\\t");
            continue;
        default:
            break;
        }
        if (c < 0x20 || c == 0x7F || c == 0x2028 || c == 0x2029 || (asciiOnly && c > 0x7F))
            out += QStringLiteral("\\u%1").arg(int(c), 4, 16, QLatin1Char('0'));
        else
            out += ch;
    }
    return out + QLatin1Char('"');
}

} // namespace

QString curlCommand(const session::CapturedExchange &exchange)
{
    const QByteArray &method = exchange.method;
    const bool hasBody = exchange.requestBody.size > 0;
    const bool binaryBody = exchange.requestBody.stored.contains('\0');
    QList<QByteArray> parts{"curl"};
    if (exchange.url.startsWith("https:"))
        parts << "--http1.1"; // curl would offer HTTP/2; the exchange was HTTP/1.1
    if (method == "HEAD")
        parts << "--head"; // "-X HEAD" would wait for a body that never comes
    else if (!(method == "GET" && !hasBody) && !(method == "POST" && hasBody))
        parts << "-X " + shellQuote(method);
    if (exchange.url.contains('[') || exchange.url.contains('{'))
        parts << "--globoff"; // brackets and braces are curl's URL globbing otherwise
    parts << shellQuote(exchange.url);
    for (const auto &[name, value] : exchange.requestHeaders) {
        // "Name;" sends an empty header; "Name:" would remove it.
        parts << "-H " + shellQuote(value.isEmpty() ? name + ';' : name + ": " + value);
    }
    for (const char *name : curlDefaultHeaders) {
        if (!base::containsHeader(exchange.requestHeaders, name))
            parts << "-H " + shellQuote(QByteArray(name) + ':');
    }
    if (hasBody) {
        if (!base::containsHeader(exchange.requestHeaders, "content-type"))
            parts << "-H " + shellQuote("Content-Type:"); // --data would add a form type
        if (exchange.requestBody.size > 1024 &&
            !base::containsHeader(exchange.requestHeaders, "expect"))
            parts << "-H " + shellQuote("Expect:"); // curl waits for 100-continue otherwise
        parts << (binaryBody ? QByteArray("--data-binary @-")
                             : "--data-raw " + shellQuote(exchange.requestBody.stored));
    }
    QByteArray command = parts.join(" \\\n  ");
    if (hasBody && binaryBody)
        command =
            "printf " + shellQuote(printfFormat(exchange.requestBody.stored)) + " | " + command;
    if (exchange.requestBody.truncated())
        command = "# only the first " + QByteArray::number(exchange.requestBody.stored.size()) +
                  " of the body's " + QByteArray::number(exchange.requestBody.size) +
                  " bytes were captured: this command sends those\n" + command;
    return QString::fromLatin1(command);
}

QString fetchSnippet(const ComposedRequest &request)
{
    QStringList options;
    options
        << QStringLiteral("  method: %1").arg(jsString(QString::fromLatin1(request.method), true));
    if (!request.headers.isEmpty()) {
        // An object reads best; a list of pairs keeps a name given twice.
        QSet<QByteArray> names;
        for (const auto &h : request.headers)
            names.insert(base::asciiLower(h.first));
        const bool pairs = names.size() != request.headers.size();
        QStringList entries;
        for (const auto &[name, value] : request.headers) {
            const QString n = jsString(QString::fromLatin1(name), true);
            const QString v = jsString(QString::fromLatin1(value), true);
            entries << (pairs ? QStringLiteral("    [%1, %2]").arg(n, v)
                              : QStringLiteral("    %1: %2").arg(n, v));
        }
        options << (pairs ? QStringLiteral("  headers: [\n%1\n  ]")
                          : QStringLiteral("  headers: {\n%1\n  }"))
                       .arg(entries.join(QStringLiteral(",\n")));
    }
    if (!request.body.isEmpty())
        options
            << QStringLiteral("  body: %1").arg(jsString(QString::fromUtf8(request.body), false));
    options << QStringLiteral("  credentials: \"%1\"")
                   .arg(cors::credentialsModeName(request.credentials));
    options << QStringLiteral("  mode: \"cors\"");
    return QStringLiteral("// on a page at %1, e.g. in its DevTools console\n"
                          "fetch(%2, {\n%3\n});")
        .arg(QString::fromUtf8(request.origin),
             jsString(request.url.toString(QUrl::FullyEncoded), true),
             options.join(QStringLiteral(",\n")));
}

} // namespace corslab::client
