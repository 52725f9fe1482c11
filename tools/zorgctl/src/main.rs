//! zorgctl: the platform operator's command. Reads the same environment as the services.

use common::audit::access_log;
use common::infra::provisioning;
use common::organisation::invitations;
use std::io::Write;

use anyhow::{bail, Context};
use clap::{Args, Parser, Subcommand};
use common::accounts::EmailAddress;
use common::infra::config::Config;
use common::infra::i18n::Language;
use common::infra::mq::{
    list_parked, replay_parked, Broker, ConsumerSpec, ReplaySelection, Topology,
};
use common::infra::outbox::{self, Event, Message, Recipient};
use common::infra::provisioning::NewTenant;
use common::infra::storage::ObjectStore;
use common::infra::tenancy::{self, Color, HostName, TenantSlug, TenantStatus};
use sqlx::PgPool;

#[derive(Parser)]
#[command(
    name = "zorgctl",
    version,
    about = "Operate the Zorgportaal platform: tenants, migrations, queues."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Apply pending migrations to the platform schema and to every tenant schema.
    Migrate {
        /// How many tenant schemas to migrate at the same time.
        #[arg(long, default_value_t = 8)]
        concurrency: usize,
    },
    /// Create, list, suspend and resume tenants (care organisations).
    #[command(subcommand)]
    Tenant(TenantCommand),
    /// Inspect and replay parked messages.
    #[command(subcommand)]
    Queue(QueueCommand),
    /// Send a test message through the whole delivery path of a tenant.
    #[command(subcommand)]
    Notify(NotifyCommand),
    /// Check the access log (NEN 7513) of clients' data.
    #[command(subcommand)]
    Audit(AuditCommand),
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Walk each tenant's hash chain and name every changed, removed or reordered row, and rows
    /// left unsealed too long. Exits with 1 when anything is wrong.
    Verify {
        /// Only this tenant (its slug); default: every tenant.
        #[arg(long)]
        tenant: Option<String>,
        /// Minutes a row may wait for its seal before it counts as a problem.
        #[arg(long, default_value_t = 10)]
        unsealed_minutes: i64,
    },
    /// Seal every tenant's waiting rows now (the worker does this every few seconds).
    Seal,
}

#[derive(Subcommand)]
enum TenantCommand {
    /// Register a tenant, create its schema and apply the tenant migrations.
    Create(CreateTenant),
    /// List every tenant with its status and hosts.
    List,
    /// Show a maintenance page on the tenant's portal; its data is kept.
    Suspend { slug: String },
    /// Open a suspended tenant's portal again.
    Resume { slug: String },
    /// Remove a tenant for good: its schema, its stored files and its hosts.
    Delete {
        slug: String,
        /// The slug once more, to confirm.
        #[arg(long)]
        confirm: String,
    },
}

#[derive(Args)]
struct CreateTenant {
    /// Short name: lower-case letters, digits and hyphens (used in hosts and the schema name).
    slug: String,
    /// The organisation's name as shown in the portal and in e-mails.
    #[arg(long)]
    name: String,
    /// A host name of the portal; repeat for more. Default: <slug>.<PLATFORM_DOMAIN>.
    #[arg(long = "host")]
    hosts: Vec<String>,
    #[arg(long)]
    primary_color: Option<String>,
    #[arg(long)]
    accent_color: Option<String>,
    #[arg(long)]
    welcome_text: Option<String>,
    #[arg(long)]
    support_phone: Option<String>,
    #[arg(long)]
    support_email: Option<String>,
    /// Send the first tenant-admin invitation to this address.
    #[arg(long)]
    admin_email: Option<String>,
    /// Succeed without changes when the tenant already exists.
    #[arg(long)]
    if_not_exists: bool,
}

#[derive(Subcommand)]
enum QueueCommand {
    /// List the messages a consumer parked after they failed every retry.
    Parked {
        #[arg(long, default_value = "notifier")]
        consumer: String,
    },
    /// Put parked messages back into the consumer's queue, with a fresh retry budget.
    Replay {
        /// The message id to replay (see `queue parked`).
        id: Option<String>,
        /// Replay every parked message of the consumer.
        #[arg(long, conflicts_with = "id")]
        all: bool,
        #[arg(long, default_value = "notifier")]
        consumer: String,
    },
}

#[derive(Subcommand)]
enum NotifyCommand {
    /// Queue a branded test message for one recipient (exactly one of --email, --sms, --voice).
    Test {
        #[arg(long)]
        tenant: String,
        #[arg(long, group = "to")]
        email: Option<String>,
        #[arg(long, group = "to")]
        sms: Option<String>,
        #[arg(long, group = "to")]
        voice: Option<String>,
        #[arg(long, default_value = "nl")]
        language: String,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let config = Config::from_process_env()?;
    match cli.command {
        Command::Migrate { concurrency } => migrate(&config, concurrency).await,
        Command::Tenant(command) => tenant(&config, command).await,
        Command::Queue(command) => queue(&config, command).await,
        Command::Notify(command) => notify(&config, command).await,
        Command::Audit(command) => audit(&config, command).await,
    }
}

async fn audit(config: &Config, command: AuditCommand) -> anyhow::Result<()> {
    let db = connect(config).await?;
    let now = common::infra::clock::system().now();
    match command {
        AuditCommand::Seal => {
            let sealed = access_log::seal_every_tenant(&db, now).await?;
            println!("audit seal: {sealed} rows sealed");
            Ok(())
        }
        AuditCommand::Verify {
            tenant,
            unsealed_minutes,
        } => {
            let slugs = match tenant {
                Some(slug) => vec![TenantSlug::parse(&slug)?],
                None => tenancy::list_tenants(&db)
                    .await?
                    .into_iter()
                    .map(|t| t.slug)
                    .collect(),
            };
            let unsealed_for = time::Duration::minutes(unsealed_minutes);
            let mut wrong = 0;
            for slug in slugs {
                let found = tenancy::in_tenant_read_only(&db, &slug, async |tx| {
                    access_log::verify(tx, now, unsealed_for).await
                })
                .await?;
                for problem in &found.problems {
                    println!("{slug}: {problem}");
                }
                let verdict = if found.problems.is_empty() {
                    "holds"
                } else {
                    "BROKEN"
                };
                println!("{slug}: {} links checked, chain {verdict}", found.links);
                wrong += found.problems.len();
            }
            if wrong > 0 {
                bail!("audit verify: {wrong} problems found");
            }
            Ok(())
        }
    }
}

async fn connect(config: &Config) -> anyhow::Result<PgPool> {
    common::infra::db::connect(&config.database)
        .await
        .context("connecting to PostgreSQL (DATABASE_URL)")
}

async fn migrate(config: &Config, concurrency: usize) -> anyhow::Result<()> {
    let db = connect(config).await?;
    let report = common::infra::db::migrate_all(&db, concurrency, |done, total| {
        if done == total || done % 50 == 0 {
            eprint!("\rmigrated {done}/{total} tenant schemas");
            let _ = std::io::stderr().flush();
            if done == total {
                eprintln!();
            }
        }
    })
    .await?;
    println!(
        "migrate: {} tenant schemas checked, {} migrations applied, in {:.2} s",
        report.tenants,
        report.migrations_applied,
        report.elapsed.as_secs_f64()
    );
    Ok(())
}

async fn tenant(config: &Config, command: TenantCommand) -> anyhow::Result<()> {
    let db = connect(config).await?;
    match command {
        TenantCommand::Create(args) => {
            let slug = TenantSlug::parse(&args.slug)?;
            let raw_hosts = if args.hosts.is_empty() {
                vec![format!("{slug}.{}", config.web.platform_domain)]
            } else {
                args.hosts
            };
            let new = NewTenant {
                hosts: raw_hosts
                    .iter()
                    .map(|h| HostName::parse(h))
                    .collect::<Result<_, _>>()?,
                primary_color: args
                    .primary_color
                    .as_deref()
                    .map(Color::parse)
                    .transpose()?,
                accent_color: args.accent_color.as_deref().map(Color::parse).transpose()?,
                display_name: args.name,
                welcome_text: args.welcome_text,
                support_phone: args.support_phone,
                support_email: args.support_email,
                slug,
            };
            let admin_email = args
                .admin_email
                .as_deref()
                .map(EmailAddress::parse)
                .transpose()
                .map_err(|e| anyhow::anyhow!("--admin-email: {e}"))?;
            match provisioning::create_tenant(&db, &new).await {
                Ok(tenant) => {
                    println!(
                        "created tenant {} on {}",
                        tenant.slug,
                        tenant.hosts.join(", ")
                    );
                    if let Some(email) = admin_email {
                        invite_admin(config, &db, &tenant, &email).await?;
                        println!("invited {} as tenant admin", email.as_str());
                    }
                }
                Err(provisioning::ProvisioningError::AlreadyExists(slug)) if args.if_not_exists => {
                    println!("tenant {slug} already exists; nothing changed");
                }
                Err(error) => return Err(error.into()),
            }
        }
        TenantCommand::List => {
            for tenant in tenancy::list_tenants(&db).await? {
                let status = match tenant.status {
                    TenantStatus::Active => "active",
                    TenantStatus::Suspended => "suspended",
                };
                println!(
                    "{}\t{}\t{}\t{}",
                    tenant.slug,
                    status,
                    tenant.display_name,
                    tenant.hosts.join(",")
                );
            }
        }
        TenantCommand::Suspend { slug } => {
            provisioning::set_tenant_status(
                &db,
                &TenantSlug::parse(&slug)?,
                TenantStatus::Suspended,
            )
            .await?;
            println!("tenant {slug} suspended: its portal shows the maintenance page");
        }
        TenantCommand::Delete { slug, confirm } => {
            if confirm != slug {
                bail!("to delete tenant {slug}, repeat its slug: --confirm {slug}");
            }
            let slug = TenantSlug::parse(&slug)?;
            let storage = ObjectStore::new(&config.s3);
            let deleted = provisioning::delete_tenant(&db, &storage, &slug).await?;
            println!(
                "tenant {slug} deleted with its schema and {} stored file(s)",
                deleted.objects
            );
        }
        TenantCommand::Resume { slug } => {
            provisioning::set_tenant_status(&db, &TenantSlug::parse(&slug)?, TenantStatus::Active)
                .await?;
            println!("tenant {slug} resumed");
        }
    }
    Ok(())
}

/// Queues the single-use invitation mail that makes `email` a tenant admin of `tenant`.
async fn invite_admin(
    config: &Config,
    db: &PgPool,
    tenant: &tenancy::Tenant,
    email: &EmailAddress,
) -> anyhow::Result<()> {
    let now = common::infra::clock::system().now();
    let host = tenant.hosts.first().context("the tenant has no host")?;
    let mut tx = db.begin().await?;
    invitations::invite_by_mail(&mut tx, tenant, email, &config.web.portal_url(host), now).await?;
    tx.commit().await?;
    Ok(())
}

fn consumer_spec(name: &str) -> anyhow::Result<ConsumerSpec> {
    ConsumerSpec::all()
        .into_iter()
        .find(|spec| spec.name == name)
        .with_context(|| format!("no consumer named {name}"))
}

async fn queue(config: &Config, command: QueueCommand) -> anyhow::Result<()> {
    let broker = Broker::new(config.amqp.url.clone(), "zorgctl");
    let topology = Topology::new(
        config.amqp.namespace.clone(),
        config.amqp.retry_delays.clone(),
    );
    match command {
        QueueCommand::Parked { consumer } => {
            let spec = consumer_spec(&consumer)?;
            let parked = list_parked(&broker, &topology, &spec).await?;
            println!("{} parked message(s) for {consumer}", parked.len());
            for message in parked {
                println!(
                    "{}\t{}\tattempts={}\t{}",
                    message.message_id, message.routing_key, message.attempts, message.last_error
                );
            }
        }
        QueueCommand::Replay { id, all, consumer } => {
            let spec = consumer_spec(&consumer)?;
            let selection = match (id, all) {
                (Some(id), false) => ReplaySelection::One(id),
                (None, true) => ReplaySelection::All,
                _ => bail!("name a message id, or --all"),
            };
            let count = replay_parked(&broker, &topology, &spec, &selection).await?;
            println!(
                "replayed {count} message(s) into {}",
                topology.queue(&consumer)
            );
        }
    }
    Ok(())
}

async fn notify(config: &Config, command: NotifyCommand) -> anyhow::Result<()> {
    let NotifyCommand::Test {
        tenant,
        email,
        sms,
        voice,
        language,
    } = command;
    let db = connect(config).await?;
    let slug = TenantSlug::parse(&tenant)?;
    tenancy::find_tenant(&db, &slug).await?;
    let language = Language::parse(&language).context("language must be nl or en")?;
    let to = match (email, sms, voice) {
        (Some(address), None, None) => Recipient::Email {
            address,
            name: None,
        },
        (None, Some(phone), None) => Recipient::Sms { phone },
        (None, None, Some(phone)) => Recipient::Voice { phone },
        _ => bail!("give exactly one of --email, --sms or --voice"),
    };
    let now = common::infra::clock::system().now();
    // The reference shown in the message tells one test from another; the event id printed
    // below is the message's id at the provider and in the Message-ID header.
    let reference = format!("zorgctl-{}", now.unix_timestamp());
    let event = Event::notification(
        &slug,
        now,
        to,
        language,
        Message::DeliveryTest { reference },
    );
    tenancy::in_tenant(&db, &slug, async |tx| {
        outbox::write(tx.conn(), &event).await
    })
    .await?;
    println!("queued test message {}", event.id);
    Ok(())
}
