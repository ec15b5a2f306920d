pub mod login_node;
pub mod remote_files;
pub mod slurm_cluster;
