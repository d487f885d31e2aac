#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

class QIODevice;

namespace corslab::report {

/// \brief A streaming JSON writer for large HAR files: values go straight into a buffer that is
/// flushed to the device every megabyte, with the commas placed for the caller.
///
/// QJsonDocument would hold a whole log as a tree first (several times the size of the file) and
/// sort every object's keys, while HAR readers expect the spec's field order.
class HarJsonWriter
{
public:
    explicit HarJsonWriter(QIODevice *device);

    HarJsonWriter &beginObject();
    HarJsonWriter &endObject();
    HarJsonWriter &beginArray();
    HarJsonWriter &endArray();
    /// The next value's name, inside an object.
    HarJsonWriter &key(const char *name);

    /// Bytes as Latin-1 text: each byte one character (U+0000-U+00FF), so header bytes survive.
    HarJsonWriter &latin1(QByteArrayView bytes);
    /// Bytes that are valid UTF-8, as text.
    HarJsonWriter &utf8(QByteArrayView bytes);
    HarJsonWriter &text(const QString &s) { return utf8(s.toUtf8()); }
    HarJsonWriter &number(qint64 n);
    HarJsonWriter &boolean(bool b);
    HarJsonWriter &null();
    /// A value that is JSON text already (one whole value, e.g. an object).
    HarJsonWriter &encoded(QByteArrayView json);
    /// A line break between values, for people reading the file (not inside a string).
    HarJsonWriter &newline();

    /// Writes the buffer when it holds a megabyte or more.
    bool flushIfFull(QString *error);
    bool flush(QString *error);

private:
    void beforeValue();
    HarJsonWriter &string(QByteArrayView bytes, bool latin1);

    QIODevice *m_device;
    QByteArray m_buffer;
    QList<bool> m_first; ///< per open object or array: nothing written in it yet
    bool m_afterKey = false;
};

} // namespace corslab::report
