pub use fusion_desk_test_support::login_node;
pub mod remote_files;
pub mod slurm_cluster;
