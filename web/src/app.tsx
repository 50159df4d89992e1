/** The shell: the header with what the person may do now, and the page the address names. */
import { useEffect, useState } from "preact/hooks";
import { currentSession, onSessionChange, setSession, type Session } from "./api/session";
import { t } from "./i18n";
import { EditorPage } from "./pages/Editor";
import { SignInPage } from "./pages/SignIn";
import { SignUpPage } from "./pages/SignUp";
import { UploadPage } from "./pages/Upload";
import { Link, navigate, usePath } from "./router";

function useSession(): Session | null {
  const [session, setLocal] = useState(currentSession());
  useEffect(() => onSessionChange(setLocal), []);
  return session;
}

function signOut(): void {
  setSession(null);
  navigate("/sign-in");
}

function Header(props: { session: Session | null }) {
  return (
    <header>
      <span class="brand">{t("appName")}</span>
      {props.session ? (
        <>
          <span>{t("signedInAs", { name: props.session.username })}</span>
          <Link href="/upload">{t("navUpload")}</Link>
          <button type="button" class="link" onClick={signOut}>
            {t("navSignOut")}
          </button>
        </>
      ) : (
        <>
          <Link href="/sign-in">{t("navSignIn")}</Link>
          <Link href="/sign-up">{t("navSignUp")}</Link>
        </>
      )}
    </header>
  );
}

function Page(props: { path: string; session: Session | null }) {
  const { path, session } = props;
  // Pages that need a person send a signed-out visitor to sign in (and "/" to their start).
  const wanted = path === "/" ? "/upload" : path;
  if (wanted === "/upload") return session ? <UploadPage /> : <Redirect to="/sign-in" />;
  const editing = /^\/decks\/([^/]+)\/edit$/.exec(wanted);
  if (editing) return session ? <EditorPage deckId={editing[1]} /> : <Redirect to="/sign-in" />;
  if (wanted === "/sign-in") return <SignInPage />;
  if (wanted === "/sign-up") return <SignUpPage />;
  return <p>{t("notFound")}</p>;
}

function Redirect(props: { to: string }) {
  useEffect(() => navigate(props.to), [props.to]);
  return null;
}

export function App() {
  const session = useSession();
  const path = usePath();
  return (
    <>
      <Header session={session} />
      <main>
        <Page path={path} session={session} />
      </main>
    </>
  );
}
