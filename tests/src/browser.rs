//! A real headless Chromium, driven over WebDriver, for tests of pages as a person sees them.
//!
//! Each [`Browser`] starts its own `chromedriver` on a free port with a fresh, temporary browser
//! profile, so browser tests run in parallel like the others. `bash infra/backing-services.sh up`
//! installs Debian's `chromium` and `chromium-driver`.
//!
//! The helpers find things the way a person does: form fields by the text of their `<label>`,
//! buttons and links by their visible text. A helper that cannot do its step panics with what it
//! looked for and the page it was on. [`Browser::screenshot`] keeps a PNG of each step under
//! `artifacts/browser/<test name>/` in the workspace.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::wd::{TimeoutConfiguration, WebDriverCompatibleCommand};
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;
use serde_json::{json, Value};
use tokio::process::{Child, Command};
use uuid::Uuid;

/// Debian's Chromium.
pub const CHROMIUM: &str = "/usr/bin/chromium";
/// Debian's chromedriver (package `chromium-driver`).
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// How long chromedriver may take to answer, and Chromium to open a session.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a helper keeps looking for an element (a form post may still be navigating).
const FIND_TIMEOUT: Duration = Duration::from_secs(5);
/// Longest page load before a navigation fails.
const PAGE_LOAD_TIMEOUT: Duration = Duration::from_secs(30);
/// How long closing the session, or the browser's processes exiting, may take.
const SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(20);

/// A cookie as the browser holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrowserCookie {
    pub name: String,
    pub value: String,
    pub domain: Option<String>,
    pub path: Option<String>,
    pub secure: bool,
    pub http_only: bool,
    /// `Strict`, `Lax` or `None`, when the cookie names one.
    pub same_site: Option<String>,
}

/// A headless Chromium with its own chromedriver and profile. [`Browser::close`] ends it; when a
/// test panics instead, dropping the `Browser` kills chromedriver and every Chromium process and
/// removes the profile.
pub struct Browser {
    test_name: String,
    client: Option<Client>,
    driver: Child,
    /// Unique per browser; its path is on the command line of every Chromium process.
    profile_root: PathBuf,
    artifact_dir: PathBuf,
    screenshots: u32,
    cleaned_up: bool,
}

/// What the Nu Html Checker (fetched with the design system into `tests/vendor/`) finds wrong
/// in `files`: its error lines, none when the HTML is valid.
pub fn html_errors(files: &[PathBuf]) -> Vec<String> {
    let jar = workspace_root().join("tests/vendor/vnu.jar");
    let output = std::process::Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .args(["--errors-only", "--format", "gnu"])
        .args(files)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "run java -jar {} (a Java runtime is needed): {e}",
                jar.display()
            )
        });
    let report = String::from_utf8_lossy(&output.stderr).into_owned()
        + &String::from_utf8_lossy(&output.stdout);
    let errors: Vec<String> = report
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_owned)
        .collect();
    assert!(
        output.status.success() || !errors.is_empty(),
        "the HTML checker failed without a report: {}",
        output.status
    );
    errors
}

/// A Chrome DevTools command, sent through chromedriver's own endpoint for them.
#[derive(Debug)]
struct DevTools {
    command: &'static str,
    params: Value,
}

impl WebDriverCompatibleCommand for DevTools {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (poem::http::Method, Option<String>) {
        let body = json!({ "cmd": self.command, "params": self.params });
        (poem::http::Method::POST, Some(body.to_string()))
    }
}

impl Browser {
    /// Starts chromedriver and a headless Chromium session. `test_name` names the folder of this
    /// test's screenshots, `artifacts/browser/<test_name>/`, which is emptied first.
    pub async fn start(test_name: &str) -> Browser {
        for program in [CHROMIUM, CHROMEDRIVER] {
            assert!(
                Path::new(program).exists(),
                "{program} is missing: run `bash infra/backing-services.sh up` (installs chromium \
                 and chromium-driver)"
            );
        }
        let artifact_dir = workspace_root()
            .join("artifacts")
            .join("browser")
            .join(file_name_part(test_name));
        if artifact_dir.exists() {
            fs::remove_dir_all(&artifact_dir)
                .unwrap_or_else(|e| panic!("empty {}: {e}", artifact_dir.display()));
        }
        fs::create_dir_all(&artifact_dir)
            .unwrap_or_else(|e| panic!("create {}: {e}", artifact_dir.display()));

        let profile_root =
            std::env::temp_dir().join(format!("zorgportaal-browser-{}", Uuid::new_v4().simple()));
        let profile = profile_root.join("profile");
        // Chromium keeps its crash-report database under $XDG_CONFIG_HOME, outside the profile.
        let config_home = profile_root.join("config");
        let log_path = artifact_dir.join("chromedriver.log");
        let (driver, port) = spawn_chromedriver(&log_path, &config_home).await;
        // From here on, dropping `browser` (a failed step panics) ends chromedriver and Chromium
        // and removes the profile.
        let mut browser = Browser {
            test_name: test_name.to_owned(),
            client: None,
            driver,
            profile_root,
            artifact_dir,
            screenshots: 0,
            cleaned_up: false,
        };
        let downloads = browser.downloads();
        for dir in [&profile, &config_home, &downloads] {
            fs::create_dir_all(dir).unwrap_or_else(|e| panic!("create {}: {e}", dir.display()));
        }

        let capabilities = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": [
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-quic",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--disable-dev-shm-usage",
                    "--window-size=1280,1000",
                    format!("--user-data-dir={}", profile.display()),
                ],
                "prefs": {
                    "download.default_directory": downloads.display().to_string(),
                    "download.prompt_for_download": false,
                },
            },
        });
        let Value::Object(capabilities) = capabilities else {
            unreachable!("capabilities are a JSON object")
        };
        let mut builder = ClientBuilder::new(HttpConnector::new());
        builder.capabilities(capabilities);
        let webdriver_url = format!("http://127.0.0.1:{port}");
        let connect = builder.connect(&webdriver_url);
        let client = match tokio::time::timeout(STARTUP_TIMEOUT, connect).await {
            Ok(Ok(client)) => client,
            Ok(Err(e)) => panic!(
                "chromedriver on port {port} could not start Chromium: {e}; see {}",
                log_path.display()
            ),
            Err(_) => panic!(
                "Chromium did not start within {STARTUP_TIMEOUT:?}; see {}",
                log_path.display()
            ),
        };
        client
            .update_timeouts(TimeoutConfiguration::new(
                Some(PAGE_LOAD_TIMEOUT),
                Some(PAGE_LOAD_TIMEOUT),
                Some(Duration::ZERO),
            ))
            .await
            .unwrap_or_else(|e| panic!("set WebDriver timeouts: {e}"));
        browser.client = Some(client);
        browser
    }

    /// Emulates Windows high contrast (forced colours) in this tab, as Chrome's DevTools do, or
    /// ends the emulation.
    pub async fn force_colors(&self, active: bool) {
        let value = if active { "active" } else { "none" };
        self.client()
            .issue_cmd(DevTools {
                command: "Emulation.setEmulatedMedia",
                params: json!({ "features": [{ "name": "forced-colors", "value": value }] }),
            })
            .await
            .unwrap_or_else(|e| panic!("emulate forced colours: {e}"));
    }

    /// What axe-core (fetched with the design system into `tests/vendor/`) finds against WCAG
    /// 2.2 A and AA on the page now shown: one line per rule broken, with where.
    pub async fn accessibility_violations(&self) -> Vec<String> {
        static AXE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        let axe = AXE.get_or_init(|| {
            let path = workspace_root().join("tests/vendor/axe.min.js");
            fs::read_to_string(&path).unwrap_or_else(|e| {
                panic!(
                    "{}: {e} (infra/design-system/fetch.sh fetches it)",
                    path.display()
                )
            })
        });
        // A script given through WebDriver runs outside the page's content security policy.
        self.client()
            .execute(axe, vec![])
            .await
            .unwrap_or_else(|e| panic!("load axe-core: {e}"));
        let found = self
            .client()
            .execute_async(
                "const done = arguments[arguments.length - 1];\
                 axe.run(document, { runOnly: { type: 'tag', values:\
                   ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'] } })\
                   .then(r => done(r.violations.map(v => v.id + ' (' + v.impact + '): '\
                     + v.nodes.map(n => n.target.join(' ')).join(', '))))\
                   .catch(e => done(['axe failed: ' + e]));",
                vec![],
            )
            .await
            .unwrap_or_else(|e| panic!("run axe-core: {e}"));
        serde_json::from_value(found).expect("axe's findings as a list of text")
    }

    /// The HTML of the page now shown as the server sent it (fetched again with the browser's
    /// cookies: only for pages that a second GET does not change).
    pub async fn page_source_as_sent(&self) -> String {
        let source = self
            .client()
            .execute_async(
                "const done = arguments[arguments.length - 1];\
                 fetch(location.href, { credentials: 'same-origin' }).then(r => r.text()).then(done)\
                   .catch(e => done('fetch failed: ' + e));",
                vec![],
            )
            .await
            .unwrap_or_else(|e| panic!("fetch the page's HTML: {e}"));
        source.as_str().unwrap_or_default().to_owned()
    }

    /// The WebDriver client itself, for what the helpers do not cover (scripts, windows, keys).
    pub fn webdriver(&self) -> &Client {
        self.client()
    }

    fn client(&self) -> &Client {
        self.client
            .as_ref()
            .unwrap_or_else(|| panic!("the browser of {} is closed", self.test_name))
    }

    /// Opens `url` and waits until the page has loaded.
    pub async fn goto(&self, url: &str) {
        if let Err(e) = self.client().goto(url).await {
            panic!("could not open {url}: {e}");
        }
    }

    /// Types `value` into the field whose `<label>` reads `label_text`, replacing what it held.
    /// Chooses the file at `path` in the file field labelled `label_text`, as a person does
    /// with the file dialog.
    pub async fn attach_file(&self, label_text: &str, path: &std::path::Path) {
        let field = self.field_by_label(label_text).await;
        let what = format!("file field labelled {label_text:?}");
        if let Err(e) = field.send_keys(&path.display().to_string()).await {
            panic!(
                "{what}: could not choose {} on {}: {e}",
                path.display(),
                self.url_now().await
            );
        }
    }

    pub async fn fill(&self, label_text: &str, value: &str) {
        let field = self.field_by_label(label_text).await;
        self.type_into(&field, &format!("field labelled {label_text:?}"), value)
            .await;
    }

    /// Types `value` into the field named `name` (for fields a person does not see labelled,
    /// such as those a test tampers with).
    pub async fn fill_by_name(&self, name: &str, value: &str) {
        let what = format!("field named {name:?}");
        let xpath = format!(
            "//*[(self::input or self::textarea or self::select) and @name={}]",
            xpath_literal(name)
        );
        let field = self.find(&xpath, &what, false).await;
        self.type_into(&field, &what, value).await;
    }

    /// Ticks the checkbox whose `<label>` reads `label_text` (leaves it ticked if it was).
    pub async fn check(&self, label_text: &str) {
        let what = format!("checkbox labelled {label_text:?}");
        let checkbox = self.field_by_label(label_text).await;
        if self.is_selected(&checkbox, &what).await {
            return;
        }
        if checkbox.click().await.is_err() {
            // A styled checkbox may hide the input itself; a person clicks its label.
            let label = self.label(label_text).await;
            if let Err(e) = label.click().await {
                panic!(
                    "{what}: could not click it on {}: {e}",
                    self.url_now().await
                );
            }
        }
        assert!(
            self.is_selected(&checkbox, &what).await,
            "{what} is still not ticked after clicking it on {}",
            self.url_now().await
        );
    }

    /// Clicks the `<button>` (or submit input) whose visible text is `text`; a form post
    /// completes before this returns.
    pub async fn click_button(&self, text: &str) {
        let page = self.press_button(text).await;
        self.settle_after_click(page).await;
    }

    /// Clicks a button whose answer is a download: the page stays, so there is nothing to wait
    /// for here; [`Browser::downloaded`] waits for the file.
    pub async fn click_button_to_download(&self, text: &str) {
        self.press_button(text).await;
    }

    /// Clicks the button; returns the page's root element from before the click.
    async fn press_button(&self, text: &str) -> Element {
        let what = format!("button {text:?}");
        let literal = xpath_literal(text);
        let xpath = format!(
            "//button[normalize-space(.)={literal}] \
             | //input[(@type='submit' or @type='button') and normalize-space(@value)={literal}]"
        );
        let button = self.find(&xpath, &what, true).await;
        let page = self.find_css("html", "the page").await;
        if let Err(e) = button.click().await {
            panic!(
                "{what}: could not click it on {}: {e}",
                self.url_now().await
            );
        }
        page
    }

    /// Follows the link whose visible text is `text`.
    pub async fn click_link(&self, text: &str) {
        let what = format!("link {text:?}");
        let xpath = format!("//a[normalize-space(.)={}]", xpath_literal(text));
        let link = self.find(&xpath, &what, true).await;
        let page = self.find_css("html", "the page").await;
        if let Err(e) = link.click().await {
            panic!(
                "{what}: could not click it on {}: {e}",
                self.url_now().await
            );
        }
        self.settle_after_click(page).await;
    }

    /// The visible text of the first element matching the CSS selector `css`.
    pub async fn text_of(&self, css: &str) -> String {
        let what = format!("element {css:?}");
        let element = self.find_css(css, &what).await;
        match element.text().await {
            Ok(text) => text,
            Err(e) => panic!(
                "{what}: could not read its text on {}: {e}",
                self.url_now().await
            ),
        }
    }

    /// `attribute` of every element matching the CSS selector `css`, in the order of the page,
    /// as the page holds it now (after its scripts changed it); `None` where an element lacks it.
    pub async fn attributes_of(&self, css: &str, attribute: &str) -> Vec<Option<String>> {
        let elements = match self.client().find_all(Locator::Css(css)).await {
            Ok(elements) => elements,
            Err(e) => panic!(
                "elements {css:?}: lookup failed on {}: {e}",
                self.url_now().await
            ),
        };
        let mut values = Vec::with_capacity(elements.len());
        for element in elements {
            match element.attr(attribute).await {
                Ok(value) => values.push(value),
                Err(e) => panic!(
                    "elements {css:?}: could not read {attribute} on {}: {e}",
                    self.url_now().await
                ),
            }
        }
        values
    }

    /// The visible text of the whole page.
    pub async fn page_text(&self) -> String {
        self.text_of("body").await
    }

    /// The file the browser downloaded whose name is `file_name`, once it is complete (Chromium
    /// writes `<name>.crdownload` first); it is then moved away, so a second download of the same
    /// name is seen as new.
    pub async fn downloaded(&self, file_name: &str) -> Vec<u8> {
        let path = self.downloads().join(file_name);
        let deadline = tokio::time::Instant::now() + PAGE_LOAD_TIMEOUT;
        // Chromium may put an empty file under the final name as soon as a download starts
        // and write the bytes into a `.crdownload` beside it: done is the named file with
        // content and no partial download left.
        let finished = || {
            let in_progress = fs::read_dir(self.downloads()).is_ok_and(|entries| {
                entries
                    .flatten()
                    .any(|entry| entry.file_name().to_string_lossy().ends_with(".crdownload"))
            });
            !in_progress && fs::metadata(&path).is_ok_and(|meta| meta.len() > 0)
        };
        while !finished() {
            assert!(
                tokio::time::Instant::now() < deadline,
                "no download named {file_name} within {PAGE_LOAD_TIMEOUT:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let bytes = fs::read(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
        fs::remove_file(&path).unwrap_or_else(|e| panic!("remove {}: {e}", path.display()));
        bytes
    }

    fn downloads(&self) -> PathBuf {
        self.profile_root.join("downloads")
    }

    /// The address of the page the browser shows.
    pub async fn current_url(&self) -> String {
        match self.client().current_url().await {
            Ok(url) => url.to_string(),
            Err(e) => panic!("could not read the current URL: {e}"),
        }
    }

    /// The page's `<title>`.
    pub async fn title(&self) -> String {
        match self.client().title().await {
            Ok(title) => title,
            Err(e) => panic!("could not read the title of {}: {e}", self.url_now().await),
        }
    }

    /// The cookies the browser holds for the current page.
    pub async fn cookies(&self) -> Vec<BrowserCookie> {
        let cookies = match self.client().get_all_cookies().await {
            Ok(cookies) => cookies,
            Err(e) => panic!(
                "could not read the cookies of {}: {e}",
                self.url_now().await
            ),
        };
        cookies
            .iter()
            .map(|cookie| BrowserCookie {
                name: cookie.name().to_owned(),
                value: cookie.value().to_owned(),
                domain: cookie.domain().map(str::to_owned),
                path: cookie.path().map(str::to_owned),
                secure: cookie.secure().unwrap_or(false),
                http_only: cookie.http_only().unwrap_or(false),
                same_site: cookie.same_site().map(|s| s.to_string()),
            })
            .collect()
    }

    /// Keeps `bytes` (a downloaded letter, say) beside the screenshots as `<file_name>`.
    pub fn keep_artifact(&self, file_name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.artifact_dir.join(file_name);
        fs::write(&path, bytes).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
        path
    }

    /// Saves what the browser shows as `artifacts/browser/<test>/<NN>-<step>.png`, NN counting
    /// 01, 02, … in this test; returns the file's path.
    pub async fn screenshot(&mut self, step: &str) -> PathBuf {
        let png = match self.client().screenshot().await {
            Ok(png) => png,
            Err(e) => panic!(
                "could not take screenshot {step:?} of {}: {e}",
                self.url_now().await
            ),
        };
        self.screenshots += 1;
        let path = self.artifact_dir.join(format!(
            "{:02}-{}.png",
            self.screenshots,
            file_name_part(step)
        ));
        fs::write(&path, png).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
        path
    }

    /// Ends the WebDriver session (Chromium quits), then stops chromedriver and removes the
    /// profile.
    pub async fn close(mut self) {
        let processes = our_processes(self.driver.id(), &self.profile_root);
        if let Some(client) = self.client.take() {
            match tokio::time::timeout(SHUTDOWN_TIMEOUT, client.close()).await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => panic!("could not end the WebDriver session: {e}"),
                Err(_) => panic!("the WebDriver session did not end within {SHUTDOWN_TIMEOUT:?}"),
            }
        }
        let _ = self.driver.kill().await;
        self.clean_up(processes);
    }

    // ------------------------------------------------------------------ finding things

    /// The URL for an error message (never panics itself).
    async fn url_now(&self) -> String {
        match &self.client {
            Some(client) => match client.current_url().await {
                Ok(url) => url.to_string(),
                Err(e) => format!("<unknown page: {e}>"),
            },
            None => "<closed browser>".to_owned(),
        }
    }

    /// The first element matching `xpath` (the first visible one if `visible`), waiting up to
    /// [`FIND_TIMEOUT`] for it to appear.
    /// Waits until the page that was shown when something was clicked has been replaced and
    /// the new one has loaded, so what is read next is the page the click led to. A click that
    /// leads nowhere (the browser refused to submit an incomplete form) waits `FIND_TIMEOUT`.
    async fn settle_after_click(&self, before: Element) {
        let deadline = Instant::now() + FIND_TIMEOUT;
        // Reading from an element of a document that is gone fails: that is the sign.
        while before.tag_name().await.is_ok() && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        while Instant::now() < deadline {
            let ready = self
                .client()
                .execute("return document.readyState", vec![])
                .await
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned));
            if ready.as_deref() == Some("complete") {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn find(&self, xpath: &str, what: &str, visible: bool) -> Element {
        let deadline = Instant::now() + FIND_TIMEOUT;
        loop {
            match self.client().find_all(Locator::XPath(xpath)).await {
                Ok(elements) => {
                    for element in elements {
                        if !visible || element.is_displayed().await.unwrap_or(false) {
                            return element;
                        }
                    }
                }
                Err(e) => panic!("{what}: lookup failed on {}: {e}", self.url_now().await),
            }
            if Instant::now() >= deadline {
                panic!(
                    "{what} not found on {} (waited {FIND_TIMEOUT:?}){}",
                    self.url_now().await,
                    self.candidates(what).await
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn find_css(&self, css: &str, what: &str) -> Element {
        match self
            .client()
            .wait()
            .at_most(FIND_TIMEOUT)
            .for_element(Locator::Css(css))
            .await
        {
            Ok(element) => element,
            Err(e) => panic!(
                "{what} not found on {} (waited {FIND_TIMEOUT:?}): {e}",
                self.url_now().await
            ),
        }
    }

    /// What the page does have, for the message when `what` was not found.
    async fn candidates(&self, what: &str) -> String {
        let (kind, css) = if what.starts_with("button") {
            ("buttons", "button, input[type=submit], input[type=button]")
        } else if what.starts_with("link") {
            ("links", "a")
        } else {
            ("labels", "label")
        };
        let Ok(elements) = self.client().find_all(Locator::Css(css)).await else {
            return String::new();
        };
        let mut texts = Vec::new();
        for element in elements.iter().take(40) {
            let text = match element.text().await {
                Ok(text) if !text.trim().is_empty() => text,
                _ => element
                    .attr("value")
                    .await
                    .ok()
                    .flatten()
                    .unwrap_or_default(),
            };
            texts.push(format!(
                "{:?}",
                text.split_whitespace().collect::<Vec<_>>().join(" ")
            ));
        }
        format!("; its {kind}: [{}]", texts.join(", "))
    }

    async fn label(&self, label_text: &str) -> Element {
        let xpath = format!("//label[normalize-space(.)={}]", xpath_literal(label_text));
        self.find(&xpath, &format!("label {label_text:?}"), false)
            .await
    }

    /// The field a `<label>` names: by its `for`, or the field inside it.
    async fn field_by_label(&self, label_text: &str) -> Element {
        let label = self.label(label_text).await;
        let what = format!("field labelled {label_text:?}");
        let target = match label.attr("for").await {
            Ok(target) => target,
            Err(e) => panic!(
                "{what}: could not read the label on {}: {e}",
                self.url_now().await
            ),
        };
        let found = match &target {
            Some(id) => self.client().find(Locator::Id(id)).await,
            None => {
                label
                    .find(Locator::XPath(".//input | .//textarea | .//select"))
                    .await
            }
        };
        match found {
            Ok(field) => field,
            Err(e) => panic!(
                "{what}: the label points at {} but that is not on {}: {e}",
                target.map_or_else(|| "a field inside it".to_owned(), |id| format!("#{id}")),
                self.url_now().await
            ),
        }
    }

    async fn type_into(&self, field: &Element, what: &str, value: &str) {
        let typed = async {
            field.clear().await?;
            field.send_keys(value).await
        };
        if let Err(e) = typed.await {
            panic!(
                "{what}: could not type into it on {}: {e}",
                self.url_now().await
            );
        }
    }

    async fn is_selected(&self, element: &Element, what: &str) -> bool {
        match element.is_selected().await {
            Ok(selected) => selected,
            Err(e) => panic!(
                "{what}: could not read its state on {}: {e}",
                self.url_now().await
            ),
        }
    }

    // ------------------------------------------------------------------ processes

    /// Kills chromedriver and every Chromium process of this browser, waits until they (and
    /// `earlier`, processes of this browser seen before) are gone, and removes the profile.
    /// Runs once, from `close` or from `Drop`.
    fn clean_up(&mut self, earlier: Vec<i32>) {
        if self.cleaned_up {
            return;
        }
        self.cleaned_up = true;
        // Chromium's descendants of chromedriver, found before chromedriver dies and they are
        // handed to init; afterwards by the profile root on their command lines (crash handlers
        // detach from Chromium at once, and are found that way too).
        let mut live = our_processes(self.driver.id(), &self.profile_root);
        let _ = self.driver.start_kill();
        let mut seen: HashSet<i32> = earlier.into_iter().collect();
        let deadline = Instant::now() + SHUTDOWN_TIMEOUT;
        while !live.is_empty() && Instant::now() < deadline {
            for pid in live {
                let _ = kill(Pid::from_raw(pid), Signal::SIGKILL);
                seen.insert(pid);
            }
            std::thread::sleep(Duration::from_millis(20));
            live = our_processes(None, &self.profile_root);
        }
        let _ = self.driver.try_wait();
        // Exited processes stay behind as zombies until init reaps them; give it a moment so
        // that none are listed once the test is over.
        let deadline = Instant::now() + Duration::from_secs(5);
        while seen
            .iter()
            .any(|pid| Path::new(&format!("/proc/{pid}")).exists())
            && Instant::now() < deadline
        {
            std::thread::sleep(Duration::from_millis(50));
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        while self.profile_root.exists()
            && fs::remove_dir_all(&self.profile_root).is_err()
            && Instant::now() < deadline
        {
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // The session dies with its browser; the shutdown request fantoccini sends when its
        // client is dropped then fails quietly.
        drop(self.client.take());
        self.clean_up(Vec::new());
    }
}

// ------------------------------------------------------------------ chromedriver

/// Starts chromedriver on a free port and waits until it answers `/status` with `ready`.
async fn spawn_chromedriver(log_path: &Path, config_home: &Path) -> (Child, u16) {
    let http = reqwest::Client::new();
    // Another process may take the free port before chromedriver binds it: then try another.
    for _attempt in 0..3 {
        let port = free_port();
        let log = fs::File::create(log_path)
            .unwrap_or_else(|e| panic!("create {}: {e}", log_path.display()));
        let log_err = log
            .try_clone()
            .unwrap_or_else(|e| panic!("open {}: {e}", log_path.display()));
        let mut driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .env("XDG_CONFIG_HOME", config_home)
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_err)
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("start {CHROMEDRIVER}: {e}"));
        let status_url = format!("http://127.0.0.1:{port}/status");
        let deadline = Instant::now() + STARTUP_TIMEOUT;
        loop {
            if let Ok(Some(status)) = driver.try_wait() {
                eprintln!(
                    "chromedriver on port {port} exited during startup ({status}); see {}",
                    log_path.display()
                );
                break;
            }
            if chromedriver_ready(&http, &status_url).await {
                return (driver, port);
            }
            if Instant::now() >= deadline {
                panic!(
                    "chromedriver did not answer {status_url} within {STARTUP_TIMEOUT:?}; see {}",
                    log_path.display()
                );
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }
    panic!("chromedriver would not start; see {}", log_path.display());
}

async fn chromedriver_ready(http: &reqwest::Client, status_url: &str) -> bool {
    let Ok(response) = http
        .get(status_url)
        .timeout(Duration::from_secs(2))
        .send()
        .await
    else {
        return false;
    };
    let Ok(status) = response.json::<Value>().await else {
        return false;
    };
    status["value"]["ready"] == Value::Bool(true)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .unwrap_or_else(|e| panic!("find a free port: {e}"))
}

/// Live (not zombie) processes that descend from `root` or name `marker` on their command line.
fn our_processes(root: Option<u32>, marker: &Path) -> Vec<i32> {
    let marker = marker.to_string_lossy();
    let mut children: HashMap<i32, Vec<i32>> = HashMap::new();
    let mut found = HashSet::new();
    let Ok(entries) = fs::read_dir("/proc") else {
        return Vec::new();
    };
    for entry in entries.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<i32>().ok())
        else {
            continue;
        };
        let Ok(stat) = fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // "pid (comm) state ppid …": comm may hold spaces and parentheses.
        let mut fields = stat
            .rsplit_once(')')
            .map(|(_, rest)| rest)
            .unwrap_or_default()
            .split_whitespace();
        let state = fields.next().unwrap_or("X");
        let ppid = fields
            .next()
            .and_then(|s| s.parse::<i32>().ok())
            .unwrap_or(0);
        if state == "Z" || state == "X" {
            continue;
        }
        children.entry(ppid).or_default().push(pid);
        let cmdline = fs::read(entry.path().join("cmdline")).unwrap_or_default();
        if String::from_utf8_lossy(&cmdline).contains(marker.as_ref()) {
            found.insert(pid);
        }
    }
    if let Some(root) = root.and_then(|pid| i32::try_from(pid).ok()) {
        let mut stack = vec![root];
        while let Some(pid) = stack.pop() {
            if let Some(kids) = children.get(&pid) {
                for kid in kids {
                    if found.insert(*kid) {
                        stack.push(*kid);
                    }
                }
            }
        }
    }
    found.into_iter().collect()
}

// ------------------------------------------------------------------ names

/// The workspace root: the parent of the tests package.
fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
}

/// `text` as a safe part of a file name: letters, digits, `-` and `_`; anything else becomes `-`.
fn file_name_part(text: &str) -> String {
    let part: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    if part.is_empty() {
        "unnamed".to_owned()
    } else {
        part
    }
}

/// `text` as an XPath 1.0 string literal (which has no escapes: mixed quotes need `concat`).
fn xpath_literal(text: &str) -> String {
    if !text.contains('\'') {
        format!("'{text}'")
    } else if !text.contains('"') {
        format!("\"{text}\"")
    } else {
        let parts: Vec<String> = text.split('\'').map(|part| format!("'{part}'")).collect();
        format!("concat({})", parts.join(", \"'\", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xpath_literals_survive_quotes() {
        assert_eq!(xpath_literal("Opslaan"), "'Opslaan'");
        assert_eq!(xpath_literal("Ik ga akkoord's"), "\"Ik ga akkoord's\"");
        assert_eq!(xpath_literal(r#"a'b"c"#), r#"concat('a', "'", 'b"c')"#);
    }

    #[test]
    fn file_names_keep_only_plain_characters() {
        assert_eq!(file_name_part("start page/ok?"), "start-page-ok-");
        assert_eq!(file_name_part(""), "unnamed");
    }
}
