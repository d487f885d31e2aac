#include "session_open_dialog.h"

#include "session/session_store.h"

#include <QFileInfo>

namespace corslab::ui {

SessionOpenDialog::SessionOpenDialog(QWidget *parent) : QFileDialog(parent, tr("Open session"))
{
    setFileMode(QFileDialog::ExistingFile);
    // Qt's own dialog: a native one would only offer the files inside a store.
    setOption(QFileDialog::DontUseNativeDialog);
    setNameFilters(
        {tr("CORS Lab sessions and session stores (*.corslab *.json)"), tr("All files (*)")});
    connect(this, &QFileDialog::directoryEntered, this, [this](const QString &directory) {
        if (session::SessionStore::isStore(directory))
            openStore(directory);
    });
}

QString SessionOpenDialog::chosenPath() const
{
    if (!m_store.isEmpty())
        return m_store;
    const QString file = selectedFiles().value(0);
    const QString parent = QFileInfo(file).absolutePath();
    return !session::SessionStore::isStore(file) && session::SessionStore::isStore(parent) ? parent
                                                                                           : file;
}

void SessionOpenDialog::accept()
{
    const QString chosen = selectedFiles().value(0);
    if (session::SessionStore::isStore(chosen))
        openStore(chosen);
    else
        QFileDialog::accept(); // enters other directories, checks that a file exists
}

void SessionOpenDialog::openStore(const QString &directory)
{
    m_store = directory;
    done(QDialog::Accepted);
}

} // namespace corslab::ui
