#pragma once

#include <QByteArrayView>
#include <QJsonValue>
#include <QString>
#include <functional>

namespace corslab::base {

/// \brief Walks the members of a JSON object or the elements of a JSON array without building
/// them, so that a large file (a session, a HAR log) is parsed one entry at a time: a
/// QJsonDocument of a whole 100,000-entry file costs several times the file's size in memory.
///
/// Only finds where values start and end; each value is then parsed (and validated) on its own
/// with parseJsonValue(). Errors give the byte offset in the whole document.
class JsonScanner
{
public:
    /// \a text is a value's text, \a base its offset in the document (for error messages).
    JsonScanner(QByteArrayView text, qsizetype base) : m_text(text), m_base(base) {}

    /// Calls \a visit for each member of the object \a text holds (name, value text, offset of
    /// the value). False when \a text is not a well-formed object or \a visit returns false.
    bool members(const std::function<bool(const QString &name, QByteArrayView value,
                                          qsizetype offset)> &visit);
    /// Calls \a visit for each element of the array \a text holds.
    bool elements(
        const std::function<bool(qsizetype index, QByteArrayView value, qsizetype offset)> &visit);

    /// "not a valid JSON document: ... at byte N", set when a step failed on the syntax (not
    /// when a visitor stopped members() or elements()).
    const QString &error() const { return m_error; }

    // The steps members() and elements() are made of, for readers that walk a document by hand.
    void skipSpace();
    /// Skips white space, then \a c if it comes next.
    bool consume(char c);
    /// Nothing but white space is left.
    bool atEnd();
    /// The next value's text; false (and error()) when it is cut short or not a value.
    bool value(QByteArrayView *span);
    /// Sets error() to \a what at the current offset; returns false.
    bool failAt(const QString &what);
    /// The current position in the whole document.
    qsizetype offset() const { return m_base + m_pos; }

private:
    bool skipString();

    QByteArrayView m_text;
    qsizetype m_base;
    qsizetype m_pos = 0;
    QString m_error;
};

/// Parses one JSON value's text (any kind, not only an object or array as QJsonDocument wants).
/// \a offset is where the text starts in the document, for the error ("not a valid JSON
/// document: ... at byte N").
bool parseJsonValue(QByteArrayView text, qsizetype offset, QJsonValue *out, QString *error);

} // namespace corslab::base
