#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

/// Capture text made safe for Markdown (GitHub flavour): the session report's writer and the
/// sections other modules add to it (the audit's) escape the same way.
namespace corslab::report {

/// \a text as prose, a heading or a table cell: Markdown punctuation backslash-escaped, < > &
/// as entities (GitHub renders inline HTML otherwise), line breaks as spaces.
QString markdownText(const QString &text);
/// The same for bytes from the wire (Latin-1).
QString markdownText(const QByteArray &latin1);
/// \a text as inline code that survives any backticks inside it.
QString markdownCode(const QString &text);
QString markdownCode(const QByteArray &latin1);
/// \a lines as a fenced block (info string \a info) whose fence is longer than any backtick run
/// inside, so that no line can close it early.
QString markdownFence(const QStringList &lines, const QString &info);

} // namespace corslab::report
