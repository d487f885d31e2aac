#pragma once

#include <QByteArrayView>
#include <QJsonValue>
#include <QString>
#include <functional>

namespace corslab::report {

/// \brief Walks the members of a JSON object or the elements of a JSON array without building
/// them, so that a HAR log is parsed one entry at a time: a QJsonDocument of a whole
/// 100,000-entry file costs several times the file's size in memory.
///
/// Only finds where values start and end; each value is then parsed (and validated) on its own
/// with parseJsonValue(). Errors give the byte offset in the whole document.
class HarJsonScanner
{
public:
    /// \a text is a value's text, \a base its offset in the document (for error messages).
    HarJsonScanner(QByteArrayView text, qsizetype base) : m_text(text), m_base(base) {}

    /// Calls \a visit for each member of the object \a text holds (name, value text, offset of
    /// the value). False when \a text is not a well-formed object or \a visit returns false.
    bool members(const std::function<bool(const QString &name, QByteArrayView value,
                                          qsizetype offset)> &visit);
    /// Calls \a visit for each element of the array \a text holds.
    bool elements(
        const std::function<bool(qsizetype index, QByteArrayView value, qsizetype offset)> &visit);

    /// "not a valid JSON document: ... at byte N", set when members() or elements() failed on the
    /// syntax (not when a visitor stopped them).
    const QString &error() const { return m_error; }

private:
    void skipSpace();
    bool consume(char c);
    bool atEnd();
    bool value(QByteArrayView *span);
    bool skipString();
    bool failAt(const QString &what);
    qsizetype offset() const { return m_base + m_pos; }

    QByteArrayView m_text;
    qsizetype m_base;
    qsizetype m_pos = 0;
    QString m_error;
};

/// Parses one JSON value's text (any kind, not only an object or array as QJsonDocument wants).
/// \a offset is where the text starts in the document, for the error ("not a valid JSON
/// document: ... at byte N").
bool parseJsonValue(QByteArrayView text, qsizetype offset, QJsonValue *out, QString *error);

} // namespace corslab::report
