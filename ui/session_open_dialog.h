#pragma once

#include <QFileDialog>

namespace corslab::ui {

/// \brief File → Open: session files, and session stores, which are directories. Opening a store
/// (double-clicking it, or choosing it and pressing Open) picks it instead of entering it; a file
/// inside a store (its manifest) stands for the store too.
class SessionOpenDialog : public QFileDialog
{
    Q_OBJECT

public:
    explicit SessionOpenDialog(QWidget *parent = nullptr);
    /// What to open once accepted: a session file or a store's directory.
    QString chosenPath() const;

protected:
    void accept() override;

private:
    void openStore(const QString &directory);

    QString m_store;
};

} // namespace corslab::ui
