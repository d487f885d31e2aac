#include "har_json_writer.h"

#include "base/json_text.h"

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

HarJsonWriter &HarJsonWriter::encoded(QByteArrayView json)
{
    beforeValue();
    m_buffer.append(json);
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
    base::appendString(m_buffer, bytes, latin1);
    return *this;
}

} // namespace corslab::report
