#include "json_text.h"

#include <QDateTime>
#include <cstdio>

namespace corslab::base {

void appendString(QByteArray &out, QByteArrayView bytes, bool latin1)
{
    out.append('"');
    const char *run = bytes.data();
    const char *end = bytes.data() + bytes.size();
    for (const char *p = run; p < end; ++p) {
        const auto b = uchar(*p);
        const bool plain = b >= 0x20 && b != '"' && b != '\\' && (b < 0x80 || !latin1);
        if (plain)
            continue;
        out.append(run, p - run);
        run = p + 1;
        if (b >= 0x80) { // a Latin-1 byte as the UTF-8 of U+0080-U+00FF
            out.append(char(0xC0 | (b >> 6))).append(char(0x80 | (b & 0x3F)));
            continue;
        }
        switch (b) {
        case '"':
            out.append("\\\"", 2);
            break;
        case '\\':
            out.append("\\\\", 2);
            break;
        case '\n':
            out.append("\\n", 2);
            break;
        case '\r':
            out.append("\\r", 2);
            break;
        case '\t':
            out.append("\\t", 2);
            break;
        default: {
            static const char hex[] = "0123456789abcdef";
            const char escaped[6] = {'\\', 'u', '0', '0', hex[b >> 4], hex[b & 0xF]};
            out.append(escaped, 6);
        }
        }
    }
    out.append(run, end - run);
    out.append('"');
}

// Days to a civil date: H. Hinnant's days_from_civil inverse.
QByteArray isoTimeUtc(qint64 ms)
{
    if (ms < 0 || ms > 253402300799999LL) // outside years 1970-9999: let Qt spell it
        return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs).toLatin1();
    const qint64 days = ms / 86400000;
    qint64 rest = ms % 86400000;
    const qint64 z = days + 719468;
    const qint64 era = z / 146097;
    const qint64 doe = z - era * 146097;
    const qint64 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const qint64 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const qint64 mp = (5 * doy + 2) / 153;
    const qint64 day = doy - (153 * mp + 2) / 5 + 1;
    const qint64 month = mp < 10 ? mp + 3 : mp - 9;
    const qint64 year = yoe + era * 400 + (month <= 2 ? 1 : 0);
    const int hour = int(rest / 3600000);
    rest %= 3600000;
    const int minute = int(rest / 60000);
    rest %= 60000;
    char text[64];
    std::snprintf(text, sizeof text, "%04lld-%02lld-%02lldT%02d:%02d:%02d.%03dZ", qlonglong(year),
                  qlonglong(month), qlonglong(day), hour, minute, int(rest / 1000),
                  int(rest % 1000));
    return QByteArray(text);
}

} // namespace corslab::base
