// Start-up: no bridge → say so; otherwise load the session and show sign-in or the chat window.
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { converseAvailable } from './converse';
import { useApp } from './state/appStore';
import { bootstrap } from './state/bootstrap';
import { useApplyTheme } from './theme';
import { ChatWindow } from './components/ChatWindow';
import { SignIn } from './components/SignIn';

function MissingApi() {
  const { t } = useTranslation();
  return (
    <main className="window missing-api" role="alert">
      <h1>{t('app.missingApi')}</h1>
      <p>{t('app.missingApiDetail')}</p>
    </main>
  );
}

function Connected() {
  const { t } = useTranslation();
  const ready = useApp((s) => s.ready);
  const loadError = useApp((s) => s.loadError);
  const signedIn = useApp((s) => s.session.signedIn);
  useApplyTheme();
  useEffect(() => {
    let off: (() => void) | null = null;
    let cancelled = false;
    void bootstrap().then((o) => {
      if (cancelled) o();
      else off = o;
    });
    return () => {
      cancelled = true;
      off?.();
    };
  }, []);
  if (!ready)
    return (
      <main className="window loading" role="status">
        {t('app.loading')}
      </main>
    );
  if (loadError)
    return (
      <main className="window" role="alert">
        {t('app.loadFailed', { message: loadError })}
      </main>
    );
  return signedIn ? <ChatWindow /> : <SignIn />;
}

export function App() {
  return converseAvailable() ? <Connected /> : <MissingApi />;
}
