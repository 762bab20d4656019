// Sign in: the server (the embedded one by default), email and password.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { errorCode, errorMessage, invoke } from '../converse';
import { useApp } from '../state/appStore';
import { loadSignedInData } from '../state/bootstrap';

export function SignIn() {
  const { t } = useTranslation();
  const defaultUrl = useApp((s) => s.session.serverUrl) ?? '';
  const [serverUrl, setServerUrl] = useState(defaultUrl);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  // Shows its own failure on the form, so the submit handler need not await it.
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const session = await invoke('session.signIn', { serverUrl: serverUrl.trim(), email: email.trim(), password });
      useApp.getState().setSession(session);
      if (session.signedIn) await loadSignedInData();
    } catch (err) {
      const code = errorCode(err);
      // At sign-in, "unauthorized" means wrong credentials, not "your session ended".
      if (code === 'unauthorized') {
        setError(t('signIn.wrongPassword'));
        return;
      }
      const known = code ? t(`errors.${code}`, { defaultValue: '' }) : '';
      setError(t('signIn.failed', { message: known ? `${known} (${errorMessage(err)})` : errorMessage(err) }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="window sign-in">
      <form onSubmit={(e) => void submit(e)} aria-labelledby="sign-in-heading">
        <h1 id="sign-in-heading">{t('signIn.heading')}</h1>
        <label className="field">
          <span>{t('signIn.serverUrl')}</span>
          <input
            type="url"
            required
            value={serverUrl}
            onChange={(e) => setServerUrl(e.target.value)}
            autoComplete="url"
          />
        </label>
        <label className="field">
          <span>{t('signIn.email')}</span>
          <input
            type="email"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            autoComplete="username"
            autoFocus
          />
        </label>
        <label className="field">
          <span>{t('signIn.password')}</span>
          <input
            type="password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            autoComplete="current-password"
          />
        </label>
        {error && (
          <p role="alert" className="error-text">
            {error}
          </p>
        )}
        <button type="submit" className="primary-button" disabled={busy} aria-busy={busy}>
          {t('signIn.submit')}
        </button>
      </form>
    </main>
  );
}
