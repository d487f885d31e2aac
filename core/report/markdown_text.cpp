#include "markdown_text.h"

#include <algorithm>

namespace corslab::report {

namespace {

qsizetype longestBacktickRun(const QString &text)
{
    qsizetype longest = 0;
    qsizetype run = 0;
    for (const QChar c : text) {
        run = c == QLatin1Char('`') ? run + 1 : 0;
        longest = std::max(longest, run);
    }
    return longest;
}

} // namespace

// Escapes per character: Markdown punctuation gets a backslash, < > & become entities.
QString markdownText(const QString &text)
{
    QString out;
    out.reserve(text.size() + 8);
    for (const QChar c : text) {
        switch (c.unicode()) {
        case '<':
            out += QLatin1String("&lt;");
            break;
        case '>':
            out += QLatin1String("&gt;");
            break;
        case '&':
            out += QLatin1String("&amp;");
            break;
        case '\\':
        case '`':
        case '*':
        case '_':
        case '[':
        case ']':
        case '|':
        case '#':
        case '~':
        case '!':
            out += QLatin1Char('\\');
            out += c;
            break;
        case '\n':
        case '\r':
            out += QLatin1Char(' ');
            break;
        default:
            out += c;
        }
    }
    return out;
}

QString markdownText(const QByteArray &latin1)
{
    return markdownText(QString::fromLatin1(latin1));
}

QString markdownCode(const QString &text)
{
    const qsizetype longest = longestBacktickRun(text);
    QString flat = text;
    flat.replace(QLatin1Char('\n'), QLatin1Char(' '));
    const QString ticks(longest + 1, QLatin1Char('`'));
    const bool pad =
        flat.startsWith(QLatin1Char('`')) || flat.endsWith(QLatin1Char('`')) || longest > 0;
    return pad ? ticks + QLatin1Char(' ') + flat + QLatin1Char(' ') + ticks : ticks + flat + ticks;
}

QString markdownCode(const QByteArray &latin1)
{
    return markdownCode(QString::fromLatin1(latin1));
}

QString markdownFence(const QStringList &lines, const QString &info)
{
    qsizetype longest = 0;
    for (const QString &l : lines)
        longest = std::max(longest, longestBacktickRun(l));
    const QString fence(std::max<qsizetype>(3, longest + 1), QLatin1Char('`'));
    return fence + info + QLatin1Char('\n') + lines.join(QLatin1Char('\n')) + QLatin1Char('\n') +
           fence + QLatin1Char('\n');
}

} // namespace corslab::report
