// The browser's own verdict beside the engine's (session/browser_verdict.h): the byte a session
// keeps for a BrowserReport, and browserAgreement() for every engine state against no report,
// no CORS error, an error the engine knows (the same as its own or another) and one it has no
// name for, with the rule that a Warning whose error applies with credentials agrees with a
// browser that reported that very error; and the verdict and agreement of a session's rows.
#include "chromium_exchanges.h"
#include "cors/cors_error.h"
#include "session/browser_verdict.h"
#include "session/exchange_evaluator.h"
#include "session/session.h"

#include <QtTest>

using namespace corslab;
using namespace corslab::session;
using namespace corslab::session::testing;
using namespace Qt::StringLiterals;

namespace {

quint8 codeOf(cors::CorsError error)
{
    return quint8(browser_verdict::kFirstError + quint8(error));
}

/// The byte of Firefox's reason \a key ("CORSMissingAllowOrigin2").
quint8 firefoxCode(const QString &key)
{
    return browser_verdict::code(BrowserReport{u"Firefox/153.8.0"_s, key, {}, {}, false, false});
}

VerdictSummary engine(VerdictState state, cors::CorsError error = cors::CorsError::None,
                      quint8 assumptions = 0)
{
    VerdictSummary v;
    v.state = state;
    v.error = quint8(error);
    v.assumptions = assumptions;
    return v;
}

} // namespace

Q_DECLARE_METATYPE(corslab::session::VerdictSummary)
Q_DECLARE_METATYPE(corslab::session::BrowserAgreement)

class TestBrowserVerdict : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void code_data()
    {
        QTest::addColumn<bool>("hasReport");
        QTest::addColumn<QString>("corsError");
        QTest::addColumn<int>("code");
        QTest::newRow("no report") << false << QString() << int(browser_verdict::kNone);
        QTest::newRow("no CORS error") << true << QString() << int(browser_verdict::kNoCorsError);
        QTest::newRow("MissingAllowOriginHeader")
            << true << u"MissingAllowOriginHeader"_s
            << int(codeOf(cors::CorsError::MissingAllowOriginHeader));
        QTest::newRow("PreflightInvalidStatus")
            << true << u"PreflightInvalidStatus"_s
            << int(codeOf(cors::CorsError::PreflightInvalidStatus));
        QTest::newRow("the last error the engine knows")
            << true << cors::corsErrorName(cors::CorsError::OpaqueRedirect)
            << int(codeOf(cors::CorsError::OpaqueRedirect));
        QTest::newRow("an error the engine has no name for")
            << true << u"SomeFutureCorsError"_s << int(browser_verdict::kOtherError);
        // Firefox's reasons, by family: the version digit some keys carry does not count.
        QTest::newRow("Firefox blocked without a reason")
            << true << u"NS_ERROR_DOM_BAD_URI"_s << int(browser_verdict::kFirstFirefoxReason);
        QTest::newRow("CORSMissingAllowOrigin2")
            << true << u"CORSMissingAllowOrigin2"_s
            << int(browser_verdict::kFirstFirefoxReason +
                   browser_verdict::firefoxReasons().indexOf(u"CORSMissingAllowOrigin"_s));
        QTest::newRow("CORSMissingAllowHeaderFromPreflight2")
            << true << u"CORSMissingAllowHeaderFromPreflight2"_s
            << int(browser_verdict::kFirstFirefoxReason +
                   browser_verdict::firefoxReasons().indexOf(
                       u"CORSMissingAllowHeaderFromPreflight"_s));
        QTest::newRow("a Firefox key the engine has no name for")
            << true << u"CORSSomethingNew"_s << int(browser_verdict::kOtherError);
    }
    void firefoxCodesFitTheirRange()
    {
        // Chromium's errors end below Firefox's range, and Firefox's end below kOtherError.
        QVERIFY(int(codeOf(cors::CorsError::OpaqueRedirect)) <
                int(browser_verdict::kFirstFirefoxReason));
        QVERIFY(browser_verdict::kFirstFirefoxReason + browser_verdict::firefoxReasons().size() <
                int(browser_verdict::kOtherError));
        QCOMPARE(browser_verdict::firefoxReasonFamily(u"CORSPreflightDidNotSucceed3"_s),
                 u"CORSPreflightDidNotSucceed"_s);
        QCOMPARE(browser_verdict::firefoxReasonFamily(u"CORSMethodNotFound"_s),
                 u"CORSMethodNotFound"_s);
    }
    void errorNames()
    {
        using namespace browser_verdict;
        QCOMPARE(errorName(kNone), QString());
        QCOMPARE(errorName(kNoCorsError), QString());
        QCOMPARE(errorName(kOtherError), QString());
        QCOMPARE(errorName(codeOf(cors::CorsError::PreflightInvalidStatus)),
                 u"PreflightInvalidStatus"_s);
        QCOMPARE(errorName(firefoxCode(u"CORSMissingAllowOrigin2"_s)), u"CORSMissingAllowOrigin"_s);
        QCOMPARE(errorName(firefoxCode(u"NS_ERROR_DOM_BAD_URI"_s)), u"NS_ERROR_DOM_BAD_URI"_s);
        QCOMPARE(errorName(quint8(kFirstFirefoxReason + firefoxReasons().size())), QString());
    }
    void code()
    {
        QFETCH(bool, hasReport);
        QFETCH(QString, corsError);
        QFETCH(int, code);
        std::optional<BrowserReport> report;
        if (hasReport)
            report = BrowserReport{u"Chrome/156"_s, corsError, {}, {}, false, false};
        QCOMPARE(int(browser_verdict::code(report)), code);
    }
    void codesStayBelowOtherError()
    {
        // kOtherError must never be the code of an error the engine knows.
        QVERIFY(int(codeOf(cors::CorsError::OpaqueRedirect)) < int(browser_verdict::kOtherError));
    }

    void agreement_data()
    {
        using cors::CorsError;
        using enum BrowserAgreement;
        using browser_verdict::kNoCorsError;
        using browser_verdict::kNone;
        using browser_verdict::kOtherError;
        QTest::addColumn<VerdictSummary>("engine");
        QTest::addColumn<int>("browser");
        QTest::addColumn<BrowserAgreement>("expected");
        const quint8 missing = codeOf(CorsError::MissingAllowOriginHeader);
        const quint8 mismatch = codeOf(CorsError::AllowOriginMismatch);
        const quint8 credentials = codeOf(CorsError::InvalidAllowCredentials);
        const quint8 withCredentials = Assumption::ErrorWithCredentials;
        const QList<VerdictState> states{VerdictState::NotApplicable, VerdictState::Exposed,
                                         VerdictState::Warning, VerdictState::Blocked,
                                         VerdictState::Unknown};
        for (VerdictState s : states)
            QTest::addRow("%s, no report", qPrintable(verdictStateName(s)))
                << engine(s, CorsError::MissingAllowOriginHeader) << int(kNone) << NoBrowserVerdict;
        for (int browser : {int(kNoCorsError), int(missing), int(kOtherError)})
            QTest::addRow("unknown, browser %d", browser)
                << engine(VerdictState::Unknown) << browser << EngineUndecided;

        QTest::newRow("not applicable, no CORS error")
            << engine(VerdictState::NotApplicable) << int(kNoCorsError) << Agrees;
        QTest::newRow("not applicable, an error")
            << engine(VerdictState::NotApplicable) << int(missing) << Disagrees;
        QTest::newRow("exposed, no CORS error")
            << engine(VerdictState::Exposed) << int(kNoCorsError) << Agrees;
        QTest::newRow("exposed, an error")
            << engine(VerdictState::Exposed) << int(missing) << Disagrees;
        QTest::newRow("exposed, an unknown error")
            << engine(VerdictState::Exposed) << int(kOtherError) << Disagrees;

        QTest::newRow("warning, no CORS error")
            << engine(VerdictState::Warning) << int(kNoCorsError) << Agrees;
        QTest::newRow("warning with credentials, no CORS error")
            << engine(VerdictState::Warning, CorsError::InvalidAllowCredentials, withCredentials)
            << int(kNoCorsError) << Agrees;
        QTest::newRow("warning with credentials, that very error")
            << engine(VerdictState::Warning, CorsError::InvalidAllowCredentials, withCredentials)
            << int(credentials) << Agrees;
        QTest::newRow("warning with credentials, another error")
            << engine(VerdictState::Warning, CorsError::InvalidAllowCredentials, withCredentials)
            << int(missing) << Disagrees;
        QTest::newRow("warning with credentials, an unknown error")
            << engine(VerdictState::Warning, CorsError::InvalidAllowCredentials, withCredentials)
            << int(kOtherError) << Disagrees;
        QTest::newRow("warning without the credentials mark, the same error")
            << engine(VerdictState::Warning, CorsError::InvalidAllowCredentials,
                      Assumption::CredentialsUnknown)
            << int(credentials) << Disagrees;

        QTest::newRow("blocked, the same error")
            << engine(VerdictState::Blocked, CorsError::MissingAllowOriginHeader) << int(missing)
            << Agrees;
        QTest::newRow("blocked, another error")
            << engine(VerdictState::Blocked, CorsError::MissingAllowOriginHeader) << int(mismatch)
            << Disagrees;
        QTest::newRow("blocked, no CORS error")
            << engine(VerdictState::Blocked, CorsError::MissingAllowOriginHeader)
            << int(kNoCorsError) << Disagrees;
        QTest::newRow("blocked, an unknown error")
            << engine(VerdictState::Blocked, CorsError::MissingAllowOriginHeader)
            << int(kOtherError) << Disagrees;

        // Firefox: the reason Firefox prints for the engine's error.
        QTest::newRow("firefox: blocked, the same reason")
            << engine(VerdictState::Blocked, CorsError::MissingAllowOriginHeader)
            << int(firefoxCode(u"CORSMissingAllowOrigin2"_s)) << Agrees;
        QTest::newRow("firefox: a preflight's error, the same reason")
            << engine(VerdictState::Blocked, CorsError::PreflightMissingAllowOriginHeader)
            << int(firefoxCode(u"CORSMissingAllowOrigin2"_s)) << Agrees;
        QTest::newRow("firefox: two errors Firefox does not tell apart")
            << engine(VerdictState::Blocked, CorsError::InvalidAllowOriginValue)
            << int(firefoxCode(u"CORSAllowOriginNotMatchingOrigin"_s)) << Agrees;
        QTest::newRow("firefox: blocked, another reason")
            << engine(VerdictState::Blocked, CorsError::MissingAllowOriginHeader)
            << int(firefoxCode(u"CORSMethodNotFound"_s)) << Disagrees;
        QTest::newRow("firefox: blocked, no reason given")
            << engine(VerdictState::Blocked, CorsError::MethodDisallowedByPreflightResponse)
            << int(firefoxCode(u"NS_ERROR_DOM_BAD_URI"_s)) << Agrees;
        QTest::newRow("firefox: exposed, no reason given")
            << engine(VerdictState::Exposed) << int(firefoxCode(u"NS_ERROR_DOM_BAD_URI"_s))
            << Disagrees;
        QTest::newRow("firefox: exposed, a reason")
            << engine(VerdictState::Exposed) << int(firefoxCode(u"CORSMissingAllowOrigin2"_s))
            << Disagrees;
        QTest::newRow("firefox: a list of origins, merged by BiDi (Multiple…)")
            << engine(VerdictState::Blocked, CorsError::MultipleAllowOriginValues)
            << int(firefoxCode(u"CORSMultipleAllowOriginNotAllowed"_s)) << Agrees;
        QTest::newRow("firefox: a list of origins, merged by BiDi (…NotMatchingOrigin)")
            << engine(VerdictState::Blocked, CorsError::MultipleAllowOriginValues)
            << int(firefoxCode(u"CORSAllowOriginNotMatchingOrigin"_s)) << Agrees;
        QTest::newRow("firefox: a mismatch is not a list")
            << engine(VerdictState::Blocked, CorsError::AllowOriginMismatch)
            << int(firefoxCode(u"CORSMultipleAllowOriginNotAllowed"_s)) << Disagrees;
        QTest::newRow("firefox: warning with credentials, that very reason")
            << engine(VerdictState::Warning, CorsError::InvalidAllowCredentials, withCredentials)
            << int(firefoxCode(u"CORSMissingAllowCredentials"_s)) << Agrees;
    }
    void agreement()
    {
        QFETCH(VerdictSummary, engine);
        QFETCH(int, browser);
        QFETCH(BrowserAgreement, expected);
        const BrowserAgreement got = browserAgreement(engine, quint8(browser));
        QVERIFY2(got == expected, qPrintable(u"got "_s + browserAgreementName(got) +
                                             u", expected "_s + browserAgreementName(expected)));
    }

    void agreementNames()
    {
        QCOMPARE(browserAgreementName(BrowserAgreement::NoBrowserVerdict), u"no-browser-verdict"_s);
        QCOMPARE(browserAgreementName(BrowserAgreement::Agrees), u"agrees"_s);
        QCOMPARE(browserAgreementName(BrowserAgreement::Disagrees), u"disagrees"_s);
        QCOMPARE(browserAgreementName(BrowserAgreement::EngineUndecided), u"engine-undecided"_s);
    }

    // A session keeps the byte per row and compares it with its own verdict.
    void sessionRowsCarryTheBrowsersVerdict()
    {
        Session s;
        const QList<CapturedExchange> exchanges = attachedExchanges(kT0);
        s.append(exchanges);
        QCOMPARE(s.count(), exchanges.size());
        for (qsizetype i = 0; i < s.count(); ++i)
            QCOMPARE(int(s.row(i).browserVerdict),
                     int(browser_verdict::code(exchanges.at(i).browserReport)));
        QCOMPARE(s.row(0).browserAgreement(), BrowserAgreement::NoBrowserVerdict); // preflight
        QCOMPARE(s.row(1).browserAgreement(), BrowserAgreement::Agrees);           // exposed
        QCOMPARE(s.row(2).browserAgreement(), BrowserAgreement::Agrees);    // AllowOriginMismatch
        QCOMPARE(s.row(4).browserAgreement(), BrowserAgreement::Disagrees); // unknown error
        QCOMPARE(s.row(5).browserAgreement(), BrowserAgreement::NoBrowserVerdict); // proxy
    }
};

QTEST_GUILESS_MAIN(TestBrowserVerdict)
#include "tst_browser_verdict.moc"
