#include "wpt_cases.h"

#include "browser_cases.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

using namespace Qt::StringLiterals;

namespace {

// The harness's own fields; everything else of a row is WPT's expectation or its source.
const QStringList kHarnessFields{u"id"_s,        u"rule"_s,      u"repeat"_s,  u"request"_s,
                                 u"preflight"_s, u"redirects"_s, u"response"_s};

bool holdsNul(const QJsonObject &row)
{
    QJsonArray answers = row.value(u"redirects"_s).toArray();
    answers.append(row.value(u"response"_s));
    answers.append(row.value(u"preflight"_s));
    for (const QJsonValue answer : answers)
        for (const QJsonValue header : answer.toObject().value(u"headers"_s).toArray())
            if (header.toArray().at(1).toString().contains(QChar(0)))
                return true;
    return false;
}

bool readRow(const QJsonObject &row, WptCase *out, QString *error)
{
    const QString id = row.value(u"id"_s).toString();
    const QString expect = row.value(u"expect"_s).toString();
    if (expect != u"exposed"_s && expect != u"blocked"_s) {
        *error = u"%1.expect: expected \"exposed\" or \"blocked\", got %2"_s.arg(
            id,
            QString::fromUtf8(
                QJsonDocument(QJsonArray{row.value(u"expect"_s)}).toJson(QJsonDocument::Compact)));
        return false;
    }
    out->wptFile = row.value(u"wpt"_s).toString();
    if (out->wptFile.isEmpty()) {
        *error = id + u".wpt: expected the WPT file the row comes from"_s;
        return false;
    }
    out->exposed = expect == u"exposed"_s;
    if (row.value(u"expectPreflight"_s).isBool())
        out->preflight = row.value(u"expectPreflight"_s).toBool();
    if (row.value(u"readable"_s).isArray()) {
        QStringList names;
        for (const QJsonValue name : row.value(u"readable"_s).toArray())
            names.append(name.toString().toLower());
        names.sort();
        out->readable = names;
    }
    QJsonObject harnessRow;
    for (const QString &field : kHarnessFields)
        if (row.contains(field))
            harnessRow.insert(field, row.value(field));
    out->browserCase = browserCaseFromRow(harnessRow);
    out->answersHoldNul = holdsNul(row);
    return true;
}

} // namespace

bool loadWptCases(QList<WptCase> *out, QString *error)
{
    QFile file(QStringLiteral(CORSLAB_WPT_CASES));
    if (!file.open(QIODevice::ReadOnly)) {
        *error = file.fileName() + u": "_s + file.errorString();
        return false;
    }
    QJsonParseError parse;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parse);
    if (!doc.isArray()) {
        *error = file.fileName() + u": "_s + parse.errorString();
        return false;
    }
    out->clear();
    QSet<QString> ids;
    for (const QJsonValue value : doc.array()) {
        WptCase row;
        if (!readRow(value.toObject(), &row, error))
            return false;
        if (ids.contains(row.browserCase.id)) {
            *error = row.browserCase.id + u": a second row with this id"_s;
            return false;
        }
        ids.insert(row.browserCase.id);
        out->append(row);
    }
    return true;
}
