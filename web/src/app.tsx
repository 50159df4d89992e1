/** The shell: the header with what the person may do now, and the page the address names. */
import type { JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import { signOut as signOutOfApi } from "./api/auth";
import { currentSession, onSessionChange, type Session } from "./api/session";
import { t } from "./i18n";
import { AccountPage } from "./pages/Account";
import { EditorPage } from "./pages/Editor";
import { SignInPage } from "./pages/SignIn";
import { SignUpPage } from "./pages/SignUp";
import { DeckPage } from "./pages/Deck";
import { MyDecksPage } from "./pages/MyDecks";
import { MyUploadsPage } from "./pages/MyUploads";
import { ResultsPage } from "./pages/Results";
import { TemplatesPage } from "./pages/Templates";
import { UploadPage } from "./pages/Upload";
import { Link, match, navigate, usePath } from "./router";

function useSession(): Session | null {
  const [session, setLocal] = useState(currentSession());
  useEffect(() => onSessionChange(setLocal), []);
  return session;
}

function signOut(): void {
  void signOutOfApi().then(() => navigate("/sign-in"));
}

function Header(props: { session: Session | null }) {
  return (
    <header>
      <span class="brand">{t("appName")}</span>
      {props.session ? (
        <>
          <span>{t("signedInAs", { name: props.session.username })}</span>
          <nav aria-label={t("navMain")}>
            <Link href="/upload">{t("navUpload")}</Link>
            <Link href="/uploads">{t("navMyUploads")}</Link>
            <Link href="/decks">{t("navMyDecks")}</Link>
            <Link href="/templates">{t("navTemplates")}</Link>
            <Link href="/account">{t("navAccount")}</Link>
          </nav>
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

type Params = Record<string, string>;

/** The pages of a signed-in person, by the shape of their path. */
const SIGNED_IN: [string, (params: Params, session: Session) => JSX.Element][] = [
  ["/upload", () => <UploadPage />],
  ["/uploads", () => <MyUploadsPage />],
  ["/uploads/:id", (params) => <ResultsPage key={params.id} uploadId={params.id} />],
  ["/templates", () => <TemplatesPage />],
  ["/decks", () => <MyDecksPage />],
  ["/decks/:id", (params) => <DeckPage key={params.id} deckId={params.id} />],
  ["/decks/:id/edit", (params) => <EditorPage key={params.id} deckId={params.id} />],
  ["/account", (_, session) => <AccountPage username={session.username} />],
];

function Page(props: { path: string; session: Session | null }) {
  const { path, session } = props;
  // Pages that need a person send a signed-out visitor to sign in (and "/" to their start).
  const wanted = path === "/" ? "/upload" : path;
  if (wanted === "/sign-in") return <SignInPage />;
  if (wanted === "/sign-up") return <SignUpPage />;
  for (const [pattern, page] of SIGNED_IN) {
    const params = match(pattern, wanted);
    if (params) return session ? page(params, session) : <Redirect to="/sign-in" />;
  }
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
