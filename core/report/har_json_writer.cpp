#include "har_json_writer.h"

#include <QIODevice>

namespace corslab::report {

namespace {
constexpr qsizetype kFlushAt = 1 << 20;
} // namespace

HarJsonWriter::HarJsonWriter(QIODevice *device) : m_device(device)
{
    m_buffer.reserve(kFlushAt + 65536);
}

void HarJsonWriter::beforeValue()
{
    if (m_afterKey) {
        m_afterKey = false;
        return;
    }
    if (!m_first.isEmpty()) {
        if (!m_first.last())
            m_buffer.append(',');
        m_first.last() = false;
    }
}

HarJsonWriter &HarJsonWriter::beginObject()
{
    beforeValue();
    m_buffer.append('{');
    m_first.append(true);
    return *this;
}

HarJsonWriter &HarJsonWriter::endObject()
{
    m_buffer.append('}');
    m_first.removeLast();
    return *this;
}

HarJsonWriter &HarJsonWriter::beginArray()
{
    beforeValue();
    m_buffer.append('[');
    m_first.append(true);
    return *this;
}

HarJsonWriter &HarJsonWriter::endArray()
{
    m_buffer.append(']');
    m_first.removeLast();
    return *this;
}

HarJsonWriter &HarJsonWriter::key(const char *name)
{
    beforeValue();
    m_buffer.append('"').append(name).append("\":");
    m_afterKey = true;
    return *this;
}

HarJsonWriter &HarJsonWriter::latin1(QByteArrayView bytes)
{
    return string(bytes, true);
}

HarJsonWriter &HarJsonWriter::utf8(QByteArrayView bytes)
{
    return string(bytes, false);
}

HarJsonWriter &HarJsonWriter::number(qint64 n)
{
    beforeValue();
    m_buffer.append(QByteArray::number(n));
    return *this;
}

HarJsonWriter &HarJsonWriter::boolean(bool b)
{
    beforeValue();
    m_buffer.append(b ? "true" : "false");
    return *this;
}

HarJsonWriter &HarJsonWriter::null()
{
    beforeValue();
    m_buffer.append("null");
    return *this;
}

HarJsonWriter &HarJsonWriter::newline()
{
    m_buffer.append('\n');
    return *this;
}

bool HarJsonWriter::flushIfFull(QString *error)
{
    return m_buffer.size() < kFlushAt || flush(error);
}

bool HarJsonWriter::flush(QString *error)
{
    if (m_buffer.isEmpty())
        return true;
    if (m_device->write(m_buffer) != m_buffer.size()) {
        *error = QStringLiteral("cannot write the HAR file: %1").arg(m_device->errorString());
        return false;
    }
    m_buffer.truncate(0);
    return true;
}

// Copies runs of bytes that need no escaping in one append: header values are mostly that.
HarJsonWriter &HarJsonWriter::string(QByteArrayView bytes, bool latin1)
{
    beforeValue();
    m_buffer.append('"');
    const char *run = bytes.data();
    const char *end = bytes.data() + bytes.size();
    for (const char *p = run; p < end; ++p) {
        const auto b = uchar(*p);
        const bool plain = b >= 0x20 && b != '"' && b != '\\' && (b < 0x80 || !latin1);
        if (plain)
            continue;
        m_buffer.append(run, p - run);
        run = p + 1;
        if (b >= 0x80) { // Latin-1 byte as the UTF-8 of U+0080-U+00FF
            m_buffer.append(char(0xC0 | (b >> 6))).append(char(0x80 | (b & 0x3F)));
            continue;
        }
        switch (b) {
        case '"':
            m_buffer.append("\\\"", 2);
            break;
        case '\\':
            m_buffer.append("\\\\", 2);
            break;
        case '\n':
            m_buffer.append("\\n", 2);
            break;
        case '\r':
            m_buffer.append("\\r", 2);
            break;
        case '\t':
            m_buffer.append("\\t", 2);
            break;
        default: {
            static const char hex[] = "0123456789abcdef";
            const char escaped[6] = {'\\', 'u', '0', '0', hex[b >> 4], hex[b & 0xF]};
            m_buffer.append(escaped, 6);
        }
        }
    }
    m_buffer.append(run, end - run);
    m_buffer.append('"');
    return *this;
}

} // namespace corslab::report
