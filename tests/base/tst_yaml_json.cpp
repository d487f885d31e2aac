// YAML read as JSON values: YAML 1.2's core schema for plain scalars, quoted scalars always
// strings, anchors and aliases, and malformed documents refused with their line and column.
#include "base/yaml_json.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

using corslab::base::looksLikeYaml;
using corslab::base::parseYamlAsJson;

class TestYamlJson : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void scalarsFollowTheCoreSchema_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<QJsonValue>("json");
        QTest::newRow("true") << QByteArray("v: true") << QJsonValue(true);
        QTest::newRow("False") << QByteArray("v: False") << QJsonValue(false);
        QTest::newRow("quoted true")
            << QByteArray("v: \"true\"") << QJsonValue(QStringLiteral("true"));
        QTest::newRow("yes is a string")
            << QByteArray("v: yes") << QJsonValue(QStringLiteral("yes"));
        QTest::newRow("null") << QByteArray("v: null") << QJsonValue(QJsonValue::Null);
        QTest::newRow("tilde") << QByteArray("v: ~") << QJsonValue(QJsonValue::Null);
        QTest::newRow("empty") << QByteArray("v:") << QJsonValue(QJsonValue::Null);
        QTest::newRow("integer") << QByteArray("v: 600") << QJsonValue(600);
        QTest::newRow("negative") << QByteArray("v: -5") << QJsonValue(-5);
        QTest::newRow("float") << QByteArray("v: 1.5e3") << QJsonValue(1500.0);
        QTest::newRow("quoted number")
            << QByteArray("v: '600'") << QJsonValue(QStringLiteral("600"));
        QTest::newRow("version-like")
            << QByteArray("v: 3.0.3") << QJsonValue(QStringLiteral("3.0.3"));
        QTest::newRow("url") << QByteArray("v: https://a.test:8443/x")
                             << QJsonValue(QStringLiteral("https://a.test:8443/x"));
        QTest::newRow("header") << QByteArray("v: 'Content-Type: application/json'")
                                << QJsonValue(QStringLiteral("Content-Type: application/json"));
    }
    void scalarsFollowTheCoreSchema()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(QJsonValue, json);
        QJsonValue out;
        QString error;
        QVERIFY2(parseYamlAsJson(yaml, &out, &error), qPrintable(error));
        QCOMPARE(out.toObject().value(QStringLiteral("v")), json);
    }

    void structuresAndAliases()
    {
        QJsonValue out;
        QString error;
        QVERIFY2(
            parseYamlAsJson("base: &b {a: 1, list: [x, 'y', 3]}\ncopy: *b\nflow: [1, {k: v}]\n",
                            &out, &error),
            qPrintable(error));
        const QJsonObject o = out.toObject();
        QCOMPARE(o.value(QStringLiteral("copy")), o.value(QStringLiteral("base")));
        QCOMPARE(o.value(QStringLiteral("base")).toObject().value(QStringLiteral("list")),
                 QJsonValue(QJsonArray{QStringLiteral("x"), QStringLiteral("y"), 3}));
        QCOMPARE(
            o.value(QStringLiteral("flow")).toArray().at(1).toObject().value(QStringLiteral("k")),
            QJsonValue(QStringLiteral("v")));
    }

    void malformedYamlSaysWhere_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<QString>("message");
        QTest::newRow("unclosed flow") << QByteArray("a: [1, 2\nb: 3\n") << QStringLiteral("line ");
        QTest::newRow("bad indentation")
            << QByteArray("a:\n  b: 1\n c: 2\n") << QStringLiteral("line 3");
        QTest::newRow("two documents") << QByteArray("a: 1\n---\nb: 2\n")
                                       << QStringLiteral("expected one YAML document, found 2");
        QTest::newRow("empty") << QByteArray("") << QStringLiteral("empty");
        QTest::newRow("mapping key") << QByteArray("? [a, b]\n: 1\n")
                                     << QStringLiteral("a mapping key must be a plain value");
        QTest::newRow("unknown alias") << QByteArray("a: *nope\n") << QStringLiteral("line 1");
    }
    void malformedYamlSaysWhere()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(QString, message);
        QJsonValue out;
        QString error;
        QVERIFY(!parseYamlAsJson(yaml, &out, &error));
        QVERIFY2(error.contains(message), qPrintable(error));
    }

    void deepNestingIsRefused()
    {
        const QByteArray deep = QByteArray(300, '[') + QByteArray(300, ']');
        QJsonValue out;
        QString error;
        QVERIFY(!parseYamlAsJson(deep, &out, &error));
        QVERIFY2(error.contains(QStringLiteral("nested more than")), qPrintable(error));
    }

    void yamlOrJsonByNameThenContent()
    {
        QVERIFY(looksLikeYaml(QStringLiteral("c.yaml"), "{}"));
        QVERIFY(looksLikeYaml(QStringLiteral("c.YML"), "{}"));
        QVERIFY(!looksLikeYaml(QStringLiteral("c.json"), "a: 1"));
        QVERIFY(!looksLikeYaml(QStringLiteral("contract"), "  {\"rules\": []}"));
        QVERIFY(looksLikeYaml(QStringLiteral("contract"), "rules: []"));
    }
};

QTEST_GUILESS_MAIN(TestYamlJson)
#include "tst_yaml_json.moc"
