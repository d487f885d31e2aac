#pragma once

#include "exchange_table_model.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QTimer;

namespace corslab::ui {

/// \brief The filter bar above the exchange list: free text, blocked only, origin, kind, and
/// whether the browser's own background traffic shows (hidden by default).
///
/// Typing is debounced (a filter over a million rows is a scan of the session), the other
/// fields apply at once; filterChanged() carries the whole filter.
class FilterBar : public QWidget
{
    Q_OBJECT

public:
    explicit FilterBar(QWidget *parent = nullptr);

    ExchangeFilter filter() const;
    /// The origins offered in the origin box (the session's, in order of first appearance).
    void setOrigins(const QList<QByteArray> &origins);
    /// Puts the keyboard focus in the text field with its text selected (Find, Ctrl+F).
    void focusText();
    QLineEdit *textField() const { return m_text; }
    /// Shows "Filtering…" while the list's filter scan runs (a large session).
    void setBusy(bool busy);
    bool isBusy() const;
    /// Whether the browser's background traffic is shown (the toggle); setting it emits
    /// filterChanged() when it changes.
    bool showsBackground() const;
    void setShowsBackground(bool show);
    /// How many of the session's exchanges are background traffic: the toggle says how many it
    /// hides, so nothing leaves the list unsaid.
    void setBackgroundCount(qsizetype count);

Q_SIGNALS:
    void filterChanged(const corslab::ui::ExchangeFilter &filter);
    /// The user turned the background traffic toggle (to remember it).
    void showsBackgroundToggled(bool show);

private:
    void emitFilter();
    void updateBackgroundLabel();

    QLineEdit *m_text = nullptr;
    QCheckBox *m_blockedOnly = nullptr;
    QComboBox *m_origin = nullptr;
    QComboBox *m_kind = nullptr;
    QCheckBox *m_showBackground = nullptr;
    qsizetype m_backgroundCount = 0;
    QLabel *m_busy = nullptr;
    QTimer *m_debounce = nullptr;
};

} // namespace corslab::ui
