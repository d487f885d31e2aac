// The "Try a request" dialog as a user meets it: typed into, sent, refused with the field named,
// reopened with the last request; offscreen, real widgets, real QSettings (test location).
#include "composer_dialog.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QTableWidget>
#include <QtTest>

using namespace corslab;
using corslab::ui::ComposerDialog;

namespace {

const policy::DemoOrigins kOrigins{"http://localhost:8080", "http://localhost:3000",
                                   "http://127.0.0.1:6666"};

// Replaces the text of a line edit (or an editable combo's) the way a user does.
void retype(QLineEdit *edit, const QString &text)
{
    edit->setFocus();
    edit->selectAll();
    QTest::keyClick(edit, Qt::Key_Backspace);
    QTest::keyClicks(edit, text);
}

} // namespace

class TestComposerDialog : public QObject
{
    Q_OBJECT

private:
    QList<client::ComposedRequest> m_sent;

    std::unique_ptr<ComposerDialog> makeDialog()
    {
        auto dialog = std::make_unique<ComposerDialog>(kOrigins);
        connect(dialog.get(), &ComposerDialog::sendRequested, this,
                [this](const client::ComposedRequest &r) { m_sent.append(r); });
        dialog->show();
        if (!QTest::qWaitForWindowActive(dialog.get()))
            qWarning("the dialog did not become active");
        return dialog;
    }

    // Adds a header row through the buttons and the table's editors, with the keyboard.
    static void typeHeader(ComposerDialog &dialog, const QString &name, const QString &value)
    {
        QTest::mouseClick(dialog.addHeaderButton(), Qt::LeftButton);
        QWidget *nameEditor = QApplication::focusWidget();
        QVERIFY(nameEditor && nameEditor != dialog.headerTable());
        QTest::keyClicks(nameEditor, name);
        QTest::keyClick(nameEditor, Qt::Key_Tab); // commits, and edits the value next
        QWidget *valueEditor = QApplication::focusWidget();
        QVERIFY(valueEditor && valueEditor != nameEditor);
        QTest::keyClicks(valueEditor, value);
        QTest::keyClick(valueEditor, Qt::Key_Tab);
    }

    void expectRefused(ComposerDialog &dialog, const QString &field, QWidget *focused)
    {
        m_sent.clear();
        QTest::mouseClick(dialog.sendButton(), Qt::LeftButton);
        QVERIFY(m_sent.isEmpty());
        QVERIFY2(dialog.errorText().startsWith(field), qPrintable(dialog.errorText()));
        auto *status = dialog.findChild<QLabel *>(QStringLiteral("status"));
        QVERIFY(status && status->isVisible());
        QVERIFY(status->text().contains(dialog.errorText()));
        if (focused)
            QVERIFY(focused->hasFocus() || focused->isAncestorOf(QApplication::focusWidget()));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("corslab-tests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_composer_dialog"));
    }

    void init()
    {
        QSettings().clear();
        m_sent.clear();
    }

    void defaults()
    {
        const auto dialog = makeDialog();
        QVERIFY(!dialog->isModal());
        QCOMPARE(dialog->originBox()->currentText(), QStringLiteral("http://localhost:3000"));
        QCOMPARE(dialog->originBox()->count(), 3);
        QCOMPARE(dialog->urlEdit()->text(), QStringLiteral("http://localhost:8080/public"));
        QCOMPARE(dialog->methodBox()->currentText(), QStringLiteral("GET"));
        QCOMPARE(dialog->methodBox()->count(), 7);
        QCOMPARE(dialog->credentialsBox()->currentText(), QStringLiteral("same-origin"));
        QCOMPARE(dialog->headerTable()->rowCount(), 0);
        QVERIFY(!dialog->bodyEdit()->isEnabled());

        QTest::mouseClick(dialog->sendButton(), Qt::LeftButton);
        QCOMPARE(m_sent.size(), 1);
        QCOMPARE(m_sent[0].origin, QByteArray("http://localhost:3000"));
        QCOMPARE(m_sent[0].url, QUrl(QStringLiteral("http://localhost:8080/public")));
        QCOMPARE(m_sent[0].method, QByteArray("GET"));
        QCOMPARE(m_sent[0].credentials, cors::CredentialsMode::SameOrigin);
        QVERIFY(m_sent[0].headers.isEmpty());
        QVERIFY(m_sent[0].body.isEmpty());
        QVERIFY(dialog->isVisible()); // non-modal and stays open for the next try
    }

    void sendsEveryField()
    {
        const auto dialog = makeDialog();
        retype(dialog->originBox()->lineEdit(), QStringLiteral("http://127.0.0.1:6666"));
        retype(dialog->urlEdit(), QStringLiteral("http://localhost:8080/echo?x=1"));
        retype(dialog->methodBox()->lineEdit(), QStringLiteral("PUT"));
        QVERIFY(dialog->bodyEdit()->isEnabled());
        dialog->credentialsBox()->setFocus();
        QTest::keyClick(dialog->credentialsBox(), Qt::Key_Down); // same-origin -> include
        QCOMPARE(dialog->credentialsBox()->currentText(), QStringLiteral("include"));
        typeHeader(*dialog, QStringLiteral("X-Requested-With"), QStringLiteral("XMLHttpRequest"));
        typeHeader(*dialog, QStringLiteral("Content-Type"), QStringLiteral("application/json"));
        dialog->bodyEdit()->setFocus();
        QTest::keyClicks(dialog->bodyEdit(), QStringLiteral("{\"name\":\"alice\"}"));

        QTest::mouseClick(dialog->sendButton(), Qt::LeftButton);
        QVERIFY2(dialog->errorText().isEmpty(), qPrintable(dialog->errorText()));
        QCOMPARE(m_sent.size(), 1);
        const client::ComposedRequest &r = m_sent[0];
        QCOMPARE(r.origin, QByteArray("http://127.0.0.1:6666"));
        QCOMPARE(r.url, QUrl(QStringLiteral("http://localhost:8080/echo?x=1")));
        QCOMPARE(r.method, QByteArray("PUT"));
        QCOMPARE(r.credentials, cors::CredentialsMode::Include);
        const base::HeaderList expected{{"X-Requested-With", "XMLHttpRequest"},
                                        {"Content-Type", "application/json"}};
        QCOMPARE(r.headers, expected);
        QCOMPARE(r.body, QByteArray("{\"name\":\"alice\"}"));

        // Enter in the URL field sends too (Send is the default button).
        QTest::keyClick(dialog->urlEdit(), Qt::Key_Return);
        QCOMPARE(m_sent.size(), 2);
    }

    void removesHeaders()
    {
        const auto dialog = makeDialog();
        typeHeader(*dialog, QStringLiteral("X-One"), QStringLiteral("1"));
        typeHeader(*dialog, QStringLiteral("X-Two"), QStringLiteral("2"));
        QCOMPARE(dialog->headerTable()->rowCount(), 2);
        dialog->headerTable()->selectRow(0);
        QTest::mouseClick(dialog->removeHeaderButton(), Qt::LeftButton);
        QCOMPARE(dialog->request().headers, (base::HeaderList{{"X-Two", "2"}}));
        // An untouched row is not a header.
        QTest::mouseClick(dialog->addHeaderButton(), Qt::LeftButton);
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Escape);
        QCOMPARE(dialog->headerTable()->rowCount(), 2);
        QCOMPARE(dialog->request().headers.size(), 1);
    }

    void bodyOnlyForMethodsWithOne()
    {
        const auto dialog = makeDialog();
        retype(dialog->methodBox()->lineEdit(), QStringLiteral("POST"));
        QVERIFY(dialog->bodyEdit()->isEnabled());
        dialog->bodyEdit()->setFocus();
        QTest::keyClicks(dialog->bodyEdit(), QStringLiteral("hello"));
        QCOMPARE(dialog->request().body, QByteArray("hello"));
        retype(dialog->methodBox()->lineEdit(), QStringLiteral("head"));
        QVERIFY(!dialog->bodyEdit()->isEnabled());
        QVERIFY(dialog->request().body.isEmpty());
        retype(dialog->methodBox()->lineEdit(), QStringLiteral("DELETE"));
        QVERIFY(dialog->bodyEdit()->isEnabled());
        QCOMPARE(dialog->request().body, QByteArray("hello"));
    }

    void refusesBadInput()
    {
        const auto dialog = makeDialog();
        retype(dialog->urlEdit(), QStringLiteral("ftp://x"));
        expectRefused(*dialog, QStringLiteral("url"), dialog->urlEdit());
        QVERIFY(dialog->errorText().contains(QLatin1String("ftp://x")));
        retype(dialog->urlEdit(), QStringLiteral("http://exa mple.com/"));
        expectRefused(*dialog, QStringLiteral("url"), dialog->urlEdit());
        retype(dialog->urlEdit(), QStringLiteral("http://localhost:8080/public"));

        retype(dialog->originBox()->lineEdit(), QStringLiteral("not an origin"));
        expectRefused(*dialog, QStringLiteral("origin"), dialog->originBox());
        retype(dialog->originBox()->lineEdit(), QStringLiteral("http://localhost:3000"));

        retype(dialog->methodBox()->lineEdit(), QStringLiteral("GE T"));
        expectRefused(*dialog, QStringLiteral("method"), dialog->methodBox());
        retype(dialog->methodBox()->lineEdit(), QStringLiteral("GET"));

        typeHeader(*dialog, QString(), QStringLiteral("orphan value"));
        expectRefused(*dialog, QStringLiteral("headers"), dialog->headerTable());
        dialog->headerTable()->selectRow(0);
        QTest::mouseClick(dialog->removeHeaderButton(), Qt::LeftButton);
        typeHeader(*dialog, QStringLiteral("Bad Name"), QStringLiteral("x"));
        expectRefused(*dialog, QStringLiteral("header"), dialog->headerTable());
        dialog->headerTable()->selectRow(0);
        QTest::mouseClick(dialog->removeHeaderButton(), Qt::LeftButton);

        // Fixed: sent, and the error is gone.
        m_sent.clear();
        QTest::mouseClick(dialog->sendButton(), Qt::LeftButton);
        QCOMPARE(m_sent.size(), 1);
        QVERIFY(dialog->errorText().isEmpty());
        auto *status = dialog->findChild<QLabel *>(QStringLiteral("status"));
        QVERIFY(!status->text().startsWith(QStringLiteral("✗")));

        // Copy as fetch() checks too, and leaves the clipboard alone.
        QGuiApplication::clipboard()->setText(QStringLiteral("untouched"));
        retype(dialog->urlEdit(), QStringLiteral("ftp://x"));
        QTest::mouseClick(dialog->copyFetchButton(), Qt::LeftButton);
        QVERIFY(dialog->errorText().startsWith(QLatin1String("url")));
        QCOMPARE(QGuiApplication::clipboard()->text(), QStringLiteral("untouched"));
    }

    void copiesFetchSnippet()
    {
        const auto dialog = makeDialog();
        retype(dialog->methodBox()->lineEdit(), QStringLiteral("POST"));
        typeHeader(*dialog, QStringLiteral("Content-Type"), QStringLiteral("application/json"));
        dialog->bodyEdit()->setFocus();
        QTest::keyClicks(dialog->bodyEdit(), QStringLiteral("{}"));
        QTest::mouseClick(dialog->copyFetchButton(), Qt::LeftButton);
        const QString copied = QGuiApplication::clipboard()->text();
        QCOMPARE(copied, client::fetchSnippet(dialog->request()));
        QVERIFY(copied.contains(QLatin1String("http://localhost:8080/public")));
        QVERIFY(m_sent.isEmpty());
    }

    void showsTheOutcome()
    {
        const auto dialog = makeDialog();
        client::FetchOutcome outcome;
        outcome.preflightSent = true;
        outcome.actualSent = false;
        outcome.exposed = false;
        outcome.error = cors::CorsError::HeaderDisallowedByPreflightResponse;
        dialog->showOutcome(outcome);
        QVERIFY2(dialog->statusText().contains(QLatin1String("Blocked")) &&
                     dialog->statusText().contains(
                         QLatin1String("HeaderDisallowedByPreflightResponse")) &&
                     dialog->statusText().contains(QLatin1String("never sent")),
                 qPrintable(dialog->statusText()));
        QVERIFY(dialog->errorText().isEmpty()); // not a problem with the form

        session::CapturedExchange x;
        x.status = 200;
        outcome.exchanges = {x};
        outcome.actualSent = true;
        outcome.exposed = true;
        outcome.error = cors::CorsError::None;
        dialog->showOutcome(outcome);
        QVERIFY2(dialog->statusText().contains(QLatin1String("Exposed")) &&
                     dialog->statusText().contains(QLatin1String("200")),
                 qPrintable(dialog->statusText()));

        outcome.failure = QStringLiteral("connection refused");
        dialog->showOutcome(outcome);
        QVERIFY(dialog->statusText().contains(QLatin1String("connection refused")));
    }

    void setRequestRoundTrips()
    {
        const auto dialog = makeDialog();
        client::ComposedRequest r;
        r.origin = "http://localhost:3000";
        r.url = QUrl(QStringLiteral("http://localhost:8080/private"));
        r.method = "PATCH";
        r.credentials = cors::CredentialsMode::Omit;
        r.headers = {{"X-Custom", "1"}, {"Accept", "application/json"}};
        r.body = "patch body";
        dialog->setRequest(r);
        const client::ComposedRequest back = dialog->request();
        QCOMPARE(back.origin, r.origin);
        QCOMPARE(back.url, r.url);
        QCOMPARE(back.method, r.method);
        QCOMPARE(back.credentials, r.credentials);
        QCOMPARE(back.headers, r.headers);
        QCOMPARE(back.body, r.body);
        QVERIFY(dialog->bodyEdit()->isEnabled());
    }

    void remembersTheLastRequest()
    {
        {
            const auto dialog = makeDialog();
            retype(dialog->originBox()->lineEdit(), QStringLiteral("http://127.0.0.1:6666"));
            retype(dialog->urlEdit(), QStringLiteral("http://localhost:8080/private"));
            retype(dialog->methodBox()->lineEdit(), QStringLiteral("DELETE"));
            dialog->credentialsBox()->setFocus();
            QTest::keyClick(dialog->credentialsBox(), Qt::Key_Down);
            typeHeader(*dialog, QStringLiteral("X-Requested-With"), QStringLiteral("fetch"));
            dialog->bodyEdit()->setFocus();
            QTest::keyClicks(dialog->bodyEdit(), QStringLiteral("bye"));
            QTest::mouseClick(dialog->sendButton(), Qt::LeftButton);
            QCOMPARE(m_sent.size(), 1);
            // Saved as it is sent, not only when the dialog goes.
            QCOMPARE(QSettings().value(QStringLiteral("composer/method")).toString(),
                     QStringLiteral("DELETE"));
        }
        {
            const auto dialog = makeDialog(); // as after a restart: a new dialog, same settings
            const client::ComposedRequest r = dialog->request();
            QCOMPARE(r.origin, QByteArray("http://127.0.0.1:6666"));
            QCOMPARE(r.url, QUrl(QStringLiteral("http://localhost:8080/private")));
            QCOMPARE(r.method, QByteArray("DELETE"));
            QCOMPARE(r.credentials, cors::CredentialsMode::Include);
            QCOMPARE(r.headers, (base::HeaderList{{"X-Requested-With", "fetch"}}));
            QCOMPARE(r.body, QByteArray("bye"));
            QCOMPARE(m_sent.size(), 1);

            // Closed without sending: the form comes back as it was left.
            retype(dialog->urlEdit(), QStringLiteral("http://localhost:8080/echo"));
            dialog->close();
        }
        QCOMPARE(QSettings().value(QStringLiteral("composer/url")).toString(),
                 QStringLiteral("http://localhost:8080/echo"));
        const auto dialog = makeDialog();
        QCOMPARE(dialog->urlEdit()->text(), QStringLiteral("http://localhost:8080/echo"));
        QCOMPARE(dialog->methodBox()->currentText(), QStringLiteral("DELETE"));
    }
};

QTEST_MAIN(TestComposerDialog)
#include "tst_composer_dialog.moc"
